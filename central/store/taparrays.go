package store

import (
	"context"
	"database/sql"
	"strings"

	"karta/offline"
)

// insertArraysSQL inserts a batch given as one array per column: on
// PostgreSQL one statement of 19 arguments whatever the batch's size,
// which binds and plans faster than a multi-row VALUES.
const insertArraysSQL = `INSERT INTO taps (` + tapColumns + `)
SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[],
	$6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
	$11::text[], $12::boolean[], $13::text[], $14::text[], $15::bigint[],
	$16::text[], $17::bigint[], $18::text[], $19::bigint[])
ON CONFLICT (device, seq) DO NOTHING`

// tapArrays are a batch's columns, in tapColumns order.
type tapArrays struct {
	device, clock, reader, role, token, par, scheme, reason, product, list, flags []string
	seq, boot, at, received, fare, listVersion, latency                           []int64
	allowed                                                                       []bool
}

func (c *tapArrays) add(device string, received int64, t *offline.Tap) {
	c.device, c.seq, c.boot = append(c.device, device), append(c.seq, int64(t.Seq)), append(c.boot, int64(t.Boot))
	c.at, c.received = append(c.at, us(t.Time)), append(c.received, received)
	c.clock, c.reader, c.role = append(c.clock, t.Clock), append(c.reader, t.Reader), append(c.role, t.Role)
	c.token, c.par, c.scheme = append(c.token, t.Token), append(c.par, t.PARToken), append(c.scheme, t.Scheme)
	c.allowed, c.reason = append(c.allowed, t.Allowed), append(c.reason, t.Reason)
	c.product, c.fare = append(c.product, t.Product), append(c.fare, int64(t.Fare))
	c.list, c.listVersion = append(c.list, t.List), append(c.listVersion, int64(t.ListVersion))
	c.flags, c.latency = append(c.flags, strings.Join(t.Flags, ",")), append(c.latency, t.LatencyUS)
}

func (c *tapArrays) args() []any {
	return []any{c.device, c.seq, c.boot, c.at, c.received, c.clock, c.reader, c.role, c.token, c.par,
		c.scheme, c.allowed, c.reason, c.product, c.fare, c.list, c.listVersion, c.flags, c.latency}
}

// insertArrays inserts one batch as arrays, skipping taps stored already,
// and returns the seqs that were new.
func (s *Store) insertArrays(ctx context.Context, tx *sql.Tx, b *DeviceBatch) (map[uint64]bool, error) {
	var c tapArrays
	recv := us(b.Received)
	for i := range b.Taps {
		c.add(b.Device, recv, &b.Taps[i])
	}
	fresh := make(map[uint64]bool, len(b.Taps))
	rows, err := tx.QueryContext(ctx, insertArraysSQL+" RETURNING seq", c.args()...)
	return fresh, collectSeqs(fresh, rows, err)
}

package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"karta/offline"
	tapsync "karta/sync"
)

// DeviceBatch is one device's taps as central received them.
type DeviceBatch struct {
	Device   string
	Received time.Time // stored beside each tap's device time
	Taps     []offline.Tap
}

// Saved is what SaveTaps did with one batch.
type Saved struct {
	Device string
	// New taps were stored by this call; Dup taps were stored before (by an
	// earlier round, another instance, or an earlier batch of this round)
	// or repeated within the batch.
	New, Dup int
	// Ranges are the batch's seqs, all durably stored now: what to ack.
	Ranges []tapsync.SeqRange
	// PrevHigh is the device's highest stored seq before this batch, 0 if
	// none: a batch starting above PrevHigh+1 leaves a gap.
	PrevHigh uint64
}

// SaveTaps stores the batches of one ingest round in one transaction (a
// group commit) and returns, after the commit, a Saved per batch in the
// same order. Taps already stored under the same device and seq are
// skipped, so a round may be saved again, by any instance.
func (s *Store) SaveTaps(ctx context.Context, batches []DeviceBatch) ([]Saved, error) {
	if err := checkBatches(batches); err != nil {
		return nil, err
	}
	if len(batches) == 0 {
		return []Saved{}, nil
	}
	order := insertOrder(batches)
	var highs map[string]uint64
	var added []int
	err := s.update(ctx, func(tx *sql.Tx) error {
		var err error
		if highs, err = s.highs(ctx, tx, devicesOf(batches)); err != nil {
			return err
		}
		cats, err := s.categories(ctx, tx, batches)
		if err != nil {
			return err
		}
		r := newRollup()
		if added, err = s.insertBatches(ctx, tx, batches, order, cats, r); err != nil {
			return err
		}
		return s.writeRollup(ctx, tx, r)
	})
	if err != nil {
		return nil, wrap(err, "save taps")
	}
	return account(batches, highs, added), nil
}

// insertBatches inserts the batches in the given order, counts their new
// taps into r, and returns how many taps of each were new.
func (s *Store) insertBatches(ctx context.Context, tx *sql.Tx, bs []DeviceBatch, order []int,
	cats map[string]string, r *rollup) ([]int, error) {
	added := make([]int, len(bs))
	for _, i := range order {
		insert := s.insertRows
		if s.d.arrays {
			insert = s.insertArrays
		}
		fresh, err := insert(ctx, tx, &bs[i])
		if err != nil {
			return nil, fmt.Errorf("device %s: %w", bs[i].Device, err)
		}
		added[i] = len(fresh)
		r.addNew(&bs[i], fresh, cats)
	}
	return added, nil
}

// highs returns each device's highest stored seq, one indexed lookup per
// device, many devices to a statement.
func (s *Store) highs(ctx context.Context, tx *sql.Tx, devices []string) (map[string]uint64, error) {
	m := make(map[string]uint64, len(devices))
	for rest := devices; len(rest) > 0; {
		n := min(len(rest), maxHighs)
		a := &args{d: s.d}
		rows, err := tx.QueryContext(ctx, highsSQL(a, rest[:n]), a.list...)
		if err := collectInto(m, rows, err); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	return m, nil
}

// maxHighs is the most devices one highs statement asks about.
const maxHighs = 1000

func highsSQL(a *args, devices []string) string {
	vs := make([]string, len(devices))
	for i, d := range devices {
		vs[i] = "(" + a.add(d) + ")"
	}
	return "WITH d(device) AS (VALUES " + strings.Join(vs, ", ") + ")" +
		" SELECT d.device, (SELECT MAX(seq) FROM taps WHERE taps.device = d.device) FROM d"
}

func collectInto(m map[string]uint64, rows *sql.Rows, err error) error {
	type high struct {
		device string
		seq    sql.NullInt64
	}
	hs, err := collect(rows, err, func(r scanner) (h high, err error) {
		err = r.Scan(&h.device, &h.seq)
		return h, err
	})
	for _, h := range hs {
		m[h.device] = uint64(h.seq.Int64)
	}
	return err
}

func sep(i int) string {
	if i == 0 {
		return ""
	}
	return ", "
}

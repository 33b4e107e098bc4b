package store

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"

	"karta/offline"
	"karta/offline/token"
	tapsync "karta/sync"
)

const tapColumns = "device, seq, boot, at_us, received_us, clock, reader, role, token, par_token, " +
	"scheme, allowed, reason, product, fare, list, list_version, flags, latency_us"

const nTapColumns = 19

// maxTapRows is the most taps one INSERT carries.
const maxTapRows = 1000

// insertRows inserts one batch in multi-row INSERTs, skipping taps stored
// already, and returns the seqs that were new.
func (s *Store) insertRows(ctx context.Context, tx *sql.Tx, b *DeviceBatch) (map[uint64]bool, error) {
	fresh := make(map[uint64]bool, len(b.Taps))
	for rest := b.Taps; len(rest) > 0; {
		n := min(len(rest), maxTapRows)
		st, err := s.prepared(ctx, tx, s.insertTapsSQL(n)+" RETURNING seq")
		if err != nil {
			return nil, err
		}
		rows, err := st.QueryContext(ctx, tapArgs(b, rest[:n])...)
		if err := collectSeqs(fresh, rows, err); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	return fresh, nil
}

// collectSeqs adds the seqs an INSERT … RETURNING seq answered to fresh.
func collectSeqs(fresh map[uint64]bool, rows *sql.Rows, err error) error {
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return err
		}
		fresh[uint64(seq)] = true
	}
	return rows.Err()
}

// insertTapsSQL is a multi-row INSERT of n taps that skips stored ones.
func (s *Store) insertTapsSQL(n int) string {
	return s.valuesSQL("INSERT INTO taps ("+tapColumns+")", n, nTapColumns) + " ON CONFLICT (device, seq) DO NOTHING"
}

// tapArgs are the column values of taps, row after row.
func tapArgs(b *DeviceBatch, taps []offline.Tap) []any {
	v := make([]any, 0, len(taps)*nTapColumns)
	recv := us(b.Received)
	for i := range taps {
		t := &taps[i]
		v = append(v, b.Device, int64(t.Seq), int64(t.Boot), us(t.Time), recv,
			t.Clock, t.Reader, t.Role, t.Token, t.PARToken,
			t.Scheme, t.Allowed, t.Reason, t.Product, int64(t.Fare),
			t.List, int64(t.ListVersion), strings.Join(t.Flags, ","), t.LatencyUS)
	}
	return v
}

// checkBatches refuses what the store must not write: a malformed device
// id, seq 0 or above 2^63-1, a token offline/token could not have made (a
// card number, say).
func checkBatches(bs []DeviceBatch) error {
	for i := range bs {
		if !tapsync.ValidDeviceID(bs[i].Device) {
			return fmt.Errorf("%w: device id %q", ErrInvalid, bs[i].Device)
		}
		for j := range bs[i].Taps {
			if err := checkTap(&bs[i].Taps[j]); err != nil {
				return fmt.Errorf("%w: device %s: %v", ErrInvalid, bs[i].Device, err)
			}
		}
	}
	return nil
}

func checkTap(t *offline.Tap) error {
	switch {
	case t.Seq == 0 || t.Seq > math.MaxInt64 || t.ListVersion > math.MaxInt64:
		return fmt.Errorf("tap %d: seq or list version out of range", t.Seq)
	case !validToken(t.Token) || !validToken(t.PARToken):
		return fmt.Errorf("tap %d: a token is malformed", t.Seq)
	}
	return nil
}

// validToken: empty (an unreadable card, no PAR) or well formed.
func validToken(t string) bool {
	if t == "" {
		return true
	}
	_, err := token.KeyID(t)
	return err == nil
}

package store

import (
	"context"
	"database/sql"
	"strings"
)

// RawInsert is the benchmarks' baseline: the same rows as SaveTaps writes,
// in multi-row INSERTs of the same size, into a bare table with no key, no
// index and no dedupe, in one transaction.
func (s *Store) RawInsert(ctx context.Context, batches []DeviceBatch) error {
	const create = `CREATE TABLE IF NOT EXISTS raw_taps AS SELECT * FROM taps WHERE 1 = 0`
	if _, err := s.db.ExecContext(ctx, create); err != nil {
		return err
	}
	return s.update(ctx, func(tx *sql.Tx) error {
		for i := range batches {
			if err := s.rawBatch(ctx, tx, &batches[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) rawBatch(ctx context.Context, tx *sql.Tx, b *DeviceBatch) error {
	for rest := b.Taps; len(rest) > 0; {
		n := min(len(rest), maxTapRows)
		q := strings.Replace(s.insertTapsSQL(n), "INSERT INTO taps", "INSERT INTO raw_taps", 1)
		q = strings.TrimSuffix(q, " ON CONFLICT (device, seq) DO NOTHING")
		st, err := s.prepared(ctx, tx, q)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, tapArgs(b, rest[:n])...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// Pragma reads an SQLite pragma through the store's own connections.
func (s *Store) Pragma(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

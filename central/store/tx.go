package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// maxTries bounds how often a transaction that met another one runs.
const maxTries = 5

// update runs fn in a write transaction and commits it. A transaction
// that failed only because another one got in the way (a PostgreSQL
// deadlock) runs again; fn must be safe to repeat.
func (s *Store) update(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.d == sqlite {
		s.wmu.Lock()
		defer s.wmu.Unlock()
	}
	var err error
	for try := 0; try < maxTries; try++ {
		if err = s.try(ctx, fn); err == nil || !s.d.retryable(err) {
			return err
		}
	}
	return err
}

func (s *Store) try(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

// Times are stored as unix microseconds (PostgreSQL's own precision), the
// zero time as 0, and come back in UTC.
func us(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMicro()
}

func fromUS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

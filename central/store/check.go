package store

import (
	"context"
	"fmt"
)

// Check verifies the database: every migration this program knows is
// applied and, on SQLite, the file passes quick_check. Tests run it at
// cleanup; ops may run it any time, it only reads.
func (s *Store) Check(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	if n != len(ms) {
		return fmt.Errorf("store: check: %d migrations applied, this program has %d", n, len(ms))
	}
	if s.d == sqlite {
		return s.quickCheck(ctx)
	}
	return nil
}

func (s *Store) quickCheck(ctx context.Context) error {
	var res string
	if err := s.db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&res); err != nil {
		return fmt.Errorf("store: check: %w", err)
	}
	if res != "ok" {
		return fmt.Errorf("store: check: sqlite quick_check: %s", res)
	}
	return nil
}

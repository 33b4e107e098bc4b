package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
)

// raiseLock keeps two instances on one PostgreSQL from raising the same
// alert at once (SQLite: the IMMEDIATE transaction already does).
const raiseLock = "SELECT pg_advisory_xact_lock(4711002)" // any constant of ours

// RaiseAlerts stores each alert unless an open alert of the same kind,
// device and token is stored already (or came earlier in as), in one
// transaction, and returns the alerts it stored, with their ids. At, if
// zero, becomes now.
func (s *Store) RaiseAlerts(ctx context.Context, as []Alert) ([]Alert, error) {
	for _, a := range as {
		if !slices.Contains(alertKinds, a.Kind) || !validToken(a.Token) {
			return nil, fmt.Errorf("%w: alert kind %q or token", ErrInvalid, a.Kind)
		}
	}
	var raised []Alert
	err := s.update(ctx, func(tx *sql.Tx) error {
		raised = raised[:0]
		if s.d == postgres {
			if _, err := tx.ExecContext(ctx, raiseLock); err != nil {
				return err
			}
		}
		for _, a := range as {
			ok, err := s.raise(ctx, tx, &a)
			if err != nil {
				return err
			}
			if ok {
				raised = append(raised, a)
			}
		}
		return nil
	})
	if err != nil {
		return nil, wrap(err, "raise alerts")
	}
	return raised, nil
}

func (s *Store) raise(ctx context.Context, tx *sql.Tx, a *Alert) (bool, error) {
	var open int
	err := tx.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM (SELECT 1 FROM alerts
		WHERE kind = ? AND device = ? AND token = ? AND resolved = ? LIMIT 1) o`), a.Kind, a.Device, a.Token, false).Scan(&open)
	if err != nil || open > 0 {
		return false, err
	}
	if a.At.IsZero() {
		a.At = s.now()
	}
	a.Resolved = false
	err = tx.QueryRowContext(ctx, s.d.rebind(`INSERT INTO alerts (kind, device, token, detail, at_us, resolved)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), a.Kind, a.Device, a.Token, a.Detail, us(a.At), false).Scan(&a.ID)
	return err == nil, err
}

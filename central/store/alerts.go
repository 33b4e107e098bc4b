package store

import (
	"context"
	"fmt"
	"slices"
	"time"
)

// Alert is something ops should look at.
type Alert struct {
	ID       int64
	Kind     string // one of the Alert* kinds
	Device   string
	Token    string // the card concerned, if any
	Detail   string
	At       time.Time
	Resolved bool
}

// Kinds of alerts.
const (
	AlertSeqGap      = "seq_gap"      // a device's seqs jumped: taps lost or withheld
	AlertClockSkew   = "clock_skew"   // a device's clock is off
	AlertClonedCard  = "cloned_card"  // one card in two places too fast
	AlertOffline     = "offline"      // a device went quiet
	AlertStaleList   = "stale_list"   // a device runs an old list version
	AlertJournalFull = "journal_full" // a device's journal is near full
)

var alertKinds = []string{AlertSeqGap, AlertClockSkew, AlertClonedCard, AlertOffline, AlertStaleList, AlertJournalFull}

// AddAlert stores an alert and returns its id. At, if zero, becomes now.
func (s *Store) AddAlert(ctx context.Context, a Alert) (int64, error) {
	if !slices.Contains(alertKinds, a.Kind) || !validToken(a.Token) {
		return 0, fmt.Errorf("%w: alert kind %q or token", ErrInvalid, a.Kind)
	}
	if a.At.IsZero() {
		a.At = s.now()
	}
	var id int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`INSERT INTO alerts (kind, device, token, detail, at_us, resolved)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`), a.Kind, a.Device, a.Token, a.Detail, us(a.At), a.Resolved).Scan(&id)
	return id, wrap(err, "add alert")
}

// Alerts returns alerts newest first, only the unresolved ones if open, at
// most limit (0: DefaultLimit).
func (s *Store) Alerts(ctx context.Context, open bool, limit int) ([]Alert, error) {
	a := &args{d: s.d}
	q := `SELECT id, kind, device, token, detail, at_us, resolved FROM alerts`
	if open {
		q += ` WHERE resolved = ` + a.add(false)
	}
	q += ` ORDER BY at_us DESC, id DESC LIMIT ` + a.add(clampLimit(limit))
	rows, err := s.db.QueryContext(ctx, q, a.list...)
	as, err := collect(rows, err, scanAlert)
	return as, wrap(err, "alerts")
}

func scanAlert(r scanner) (Alert, error) {
	var a Alert
	var at int64
	err := r.Scan(&a.ID, &a.Kind, &a.Device, &a.Token, &a.Detail, &at, &a.Resolved)
	a.At = fromUS(at)
	return a, err
}

// ResolveAlert marks an alert resolved, or says ErrNotFound.
func (s *Store) ResolveAlert(ctx context.Context, id int64) error {
	res, err := s.exec(ctx, `UPDATE alerts SET resolved = ? WHERE id = ?`, true, id)
	if err != nil {
		return wrap(err, "resolve alert %d", id)
	}
	return mustAffect(res, "alert %d", id)
}

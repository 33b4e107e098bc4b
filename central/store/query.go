package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"karta/offline"
)

// TapQuery selects stored taps. Zero fields select everything; From and To
// bound the device time, From inclusive, To exclusive. Route and School
// select the taps of the devices the registry puts on that route or at
// that school (now, not when the tap was made).
type TapQuery struct {
	Device, Token, Role, Reason string
	Route, School               string
	Allowed                     *bool
	From, To                    time.Time
	Limit, Offset               int // a page; Limit 0: DefaultLimit, at most MaxLimit
}

// StoredTap is a tap as stored: its device and when central received it.
type StoredTap struct {
	Device   string
	Received time.Time
	offline.Tap
}

const storedTapColumns = "device, received_us, seq, boot, at_us, clock, reader, role, token, par_token, " +
	"scheme, allowed, reason, product, fare, list, list_version, flags, latency_us"

// newestFirst orders taps by device time, newest first, ties by device and
// seq (also newest first), so that pages are stable.
const newestFirst = " ORDER BY at_us DESC, device DESC, seq DESC"

// Taps returns a page of the taps q selects, newest first.
func (s *Store) Taps(ctx context.Context, q TapQuery) ([]StoredTap, error) {
	if q.Route != "" || q.School != "" {
		return s.tapsOfPlace(ctx, q)
	}
	return s.tapsPage(ctx, q)
}

// tapsPage reads a page of taps in one statement.
func (s *Store) tapsPage(ctx context.Context, q TapQuery) ([]StoredTap, error) {
	a := &args{d: s.d}
	sq := `SELECT ` + storedTapColumns + ` FROM taps` + q.where(a) + newestFirst +
		` LIMIT ` + a.add(clampLimit(q.Limit)) + ` OFFSET ` + a.add(max(q.Offset, 0))
	rows, err := s.db.QueryContext(ctx, sq, a.list...)
	ts, err := collect(rows, err, scanTap)
	return ts, wrap(err, "taps")
}

// CountTaps counts the taps q selects, whatever its page.
func (s *Store) CountTaps(ctx context.Context, q TapQuery) (int64, error) {
	a := &args{d: s.d}
	var n int64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM taps`+q.where(a), a.list...).Scan(&n)
	return n, wrap(err, "count taps")
}

// LastTapOf returns the newest tap of a card before a device time, on any
// device, for telling a cloned card from its twin.
func (s *Store) LastTapOf(ctx context.Context, token string, before time.Time) (StoredTap, bool, error) {
	if token == "" {
		return StoredTap{}, false, fmt.Errorf("%w: empty token", ErrInvalid)
	}
	t, err := scanTap(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+storedTapColumns+
		` FROM taps WHERE token = ? AND at_us < ? ORDER BY at_us DESC LIMIT 1`), token, us(before)))
	if errors.Is(err, sql.ErrNoRows) {
		return StoredTap{}, false, nil
	}
	return t, err == nil, wrap(err, "last tap of a card")
}

func (q *TapQuery) where(a *args) string {
	var c []string
	for _, f := range []struct{ col, v string }{
		{"device", q.Device}, {"token", q.Token}, {"role", q.Role}, {"reason", q.Reason}} {
		if f.v != "" {
			c = append(c, f.col+" = "+a.add(f.v))
		}
	}
	for _, f := range []struct{ col, v string }{{"route", q.Route}, {"school", q.School}} {
		if f.v != "" {
			c = append(c, "device IN (SELECT id FROM devices WHERE "+f.col+" = "+a.add(f.v)+")")
		}
	}
	if q.Allowed != nil {
		c = append(c, "allowed = "+a.add(*q.Allowed))
	}
	if !q.From.IsZero() {
		c = append(c, "at_us >= "+a.add(us(q.From)))
	}
	if !q.To.IsZero() {
		c = append(c, "at_us < "+a.add(us(q.To)))
	}
	if len(c) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c, " AND ")
}

func scanTap(r scanner) (StoredTap, error) {
	var t StoredTap
	var recv, seq, boot, at, fare, lv int64
	var flags string
	err := r.Scan(&t.Device, &recv, &seq, &boot, &at, &t.Clock, &t.Reader, &t.Role, &t.Token, &t.PARToken,
		&t.Scheme, &t.Allowed, &t.Reason, &t.Product, &fare, &t.List, &lv, &flags, &t.LatencyUS)
	t.Received, t.Seq, t.Boot, t.Time = fromUS(recv), uint64(seq), uint32(boot), fromUS(at)
	t.Fare, t.ListVersion = int(fare), uint64(lv)
	if flags != "" {
		t.Flags = strings.Split(flags, ",")
	}
	return t, err
}

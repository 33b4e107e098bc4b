package store

import (
	"context"
	"time"
)

// ListTime is when a list version was issued and until when devices may
// use it.
type ListTime struct {
	Version         uint64
	Issued, Expires time.Time
}

// ListTimes returns every stored version of every list, oldest version
// first per list: what the stale-list sweep compares each device's
// installed versions with. One query, a row per version.
func (s *Store) ListTimes(ctx context.Context) (map[string][]ListTime, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT list, version, MIN(issued_us), MIN(expires_us) FROM lists
		GROUP BY list, version ORDER BY list, version`)
	type lt struct {
		list string
		ListTime
	}
	ls, err := collect(rows, err, func(r scanner) (x lt, err error) {
		var v, issued, expires int64
		err = r.Scan(&x.list, &v, &issued, &expires)
		x.Version, x.Issued, x.Expires = uint64(v), fromUS(issued), fromUS(expires)
		return x, err
	})
	if err != nil {
		return nil, wrap(err, "list times")
	}
	m := map[string][]ListTime{}
	for _, x := range ls {
		m[x.list] = append(m[x.list], x.ListTime)
	}
	return m, nil
}

// OpenAlertsOf returns the unresolved alerts of the given kinds, oldest
// first, however many: what a sweep may resolve.
func (s *Store) OpenAlertsOf(ctx context.Context, kinds ...string) ([]Alert, error) {
	if len(kinds) == 0 {
		return nil, nil
	}
	a := &args{d: s.d}
	q := `SELECT id, kind, device, token, detail, at_us, resolved FROM alerts WHERE resolved = ` + a.add(false) +
		` AND kind ` + a.in(kinds) + ` ORDER BY at_us, id`
	rows, err := s.db.QueryContext(ctx, q, a.list...)
	as, err := collect(rows, err, scanAlert)
	return as, wrap(err, "open alerts")
}

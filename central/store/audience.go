package store

import (
	"context"
	"fmt"
	"strings"

	"karta/offline"
)

// Audience names who a list is for: the bus fleet (entries with a bus
// right), a school (entries whose pass or meals name it), or both. Stopped
// entries belong to every audience: a stop must reach every device.
type Audience struct {
	Bus    bool
	School string
}

// AudienceEntries returns the audience's entries sorted by token (bytewise,
// the order a snapshot is installed in).
func (s *Store) AudienceEntries(ctx context.Context, a Audience) ([]*offline.Entry, error) {
	var es []*offline.Entry
	err := s.ScanAudience(ctx, a, func(e *offline.Entry) error {
		es = append(es, e)
		return nil
	})
	return es, err
}

// ScanAudience calls fn with each entry of the audience in token order,
// without holding them all in memory; an error from fn stops the scan and
// is returned.
func (s *Store) ScanAudience(ctx context.Context, a Audience, fn func(*offline.Entry) error) error {
	where, args, err := s.audienceWhere(a)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+entitlementColumns+` FROM entitlements WHERE `+where+
		` ORDER BY token`, args...)
	if err != nil {
		return wrap(err, "audience")
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err == nil {
			err = fn(e)
		}
		if err != nil {
			return wrap(err, "audience")
		}
	}
	return wrap(rows.Err(), "audience")
}

func (s *Store) audienceWhere(a Audience) (string, []any, error) {
	if !a.Bus && a.School == "" {
		return "", nil, fmt.Errorf("%w: an audience names the bus fleet, a school or both", ErrInvalid)
	}
	ar := &args{d: s.d}
	c := []string{"stop_reason IS NOT NULL"}
	if a.Bus {
		c = append(c, "bus_discount IS NOT NULL")
	}
	if a.School != "" {
		c = append(c, "school = "+ar.add(a.School), "meals_school = "+ar.add(a.School))
	}
	return strings.Join(c, " OR "), ar.list, nil
}

package store

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// maxPlaceDevices is the most devices of a route or school whose pages
// tapsOfPlace merges; a place with more is read as one filter.
const maxPlaceDevices = 64

// tapsOfPlace is Taps for a route or a school. Left to itself the database
// reads every tap of the place's devices through the device index and
// sorts them all for one page (half a second for two buses among 10
// million taps); instead each device's newest offset+limit taps are read
// through that index, already in order, and only those are merged.
func (s *Store) tapsOfPlace(ctx context.Context, q TapQuery) ([]StoredTap, error) {
	ids, err := s.placeDevices(ctx, q)
	if err != nil {
		return nil, wrap(err, "taps")
	}
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > maxPlaceDevices {
		return s.tapsPage(ctx, q)
	}
	limit, offset := clampLimit(q.Limit), max(q.Offset, 0)
	a := &args{d: s.d}
	parts := make([]string, len(ids))
	for i, id := range ids {
		one := q
		one.Device, one.Route, one.School = id, "", ""
		parts[i] = `SELECT * FROM (SELECT ` + storedTapColumns + ` FROM taps` + one.where(a) + newestFirst +
			` LIMIT ` + a.add(limit+offset) + `) p` + strconv.Itoa(i)
	}
	sq := `SELECT ` + storedTapColumns + ` FROM (` + strings.Join(parts, " UNION ALL ") + `) t` + newestFirst +
		` LIMIT ` + a.add(limit) + ` OFFSET ` + a.add(offset)
	rows, err := s.db.QueryContext(ctx, sq, a.list...)
	ts, err := collect(rows, err, scanTap)
	return ts, wrap(err, "taps")
}

// placeDevices returns the devices on q's route and at q's school (and q's
// device, if it names one), by id.
func (s *Store) placeDevices(ctx context.Context, q TapQuery) ([]string, error) {
	a := &args{d: s.d}
	var c []string
	for _, f := range []struct{ col, v string }{{"route", q.Route}, {"school", q.School}, {"id", q.Device}} {
		if f.v != "" {
			c = append(c, f.col+" = "+a.add(f.v))
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM devices WHERE `+strings.Join(c, " AND "), a.list...)
	ids, err := collect(rows, err, scanString)
	slices.Sort(ids)
	return ids, err
}

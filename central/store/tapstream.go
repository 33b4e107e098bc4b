package store

import (
	"context"
	"errors"
)

// streamPage is how many taps one query of EachTap reads.
const streamPage = 2000

// ErrStop, returned by an EachTap callback, ends the walk early; EachTap
// then returns nil.
var ErrStop = errors.New("store: stop")

// EachTap calls fn with every tap q selects (its Limit and Offset are
// ignored), oldest first by device time, device and seq: a stable order,
// walked by key a page at a time, so that memory stays constant and no
// read transaction stays open between pages however many taps there are.
// A tap stored meanwhile with a device time behind the walk is not seen;
// one ahead of it is.
func (s *Store) EachTap(ctx context.Context, q TapQuery, fn func(StoredTap) error) error {
	var last *StoredTap
	for {
		page, err := s.tapsAfter(ctx, q, last)
		if err != nil {
			return wrap(err, "each tap")
		}
		for i := range page {
			if err := fn(page[i]); err != nil {
				if errors.Is(err, ErrStop) {
					return nil
				}
				return err
			}
		}
		if len(page) < streamPage {
			return nil
		}
		last = &page[len(page)-1]
	}
}

// tapsAfter is the page of q's taps that follows last (nil: the first),
// oldest first.
func (s *Store) tapsAfter(ctx context.Context, q TapQuery, last *StoredTap) ([]StoredTap, error) {
	a := &args{d: s.d}
	where := q.where(a)
	if last != nil {
		key := "(at_us, device, seq) > (" + a.add(us(last.Time)) + ", " + a.add(last.Device) + ", " + a.add(int64(last.Seq)) + ")"
		if where == "" {
			where = " WHERE " + key
		} else {
			where += " AND " + key
		}
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+storedTapColumns+` FROM taps`+where+
		` ORDER BY at_us, device, seq LIMIT `+a.add(streamPage), a.list...)
	return collect(rows, err, scanTap)
}

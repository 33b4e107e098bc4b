package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
)

// TestEachTap walks 5,100 taps of three devices whose times tie (seq n of
// each device is at T0 + n s), more than two pages, and checks that every
// tap comes once, in order.
func TestEachTap(t *testing.T) {
	ctx := context.Background()
	mid := storetest.T0.Add(1000 * time.Second)
	cases := []struct {
		name string
		q    store.TapQuery
		want int
	}{
		{"all", store.TapQuery{}, 5100},
		{"a device", store.TapQuery{Device: "bus-2"}, 1700},
		{"from", store.TapQuery{From: mid}, 3 * 700},
		{"to", store.TapQuery{To: mid}, 3 * 1000},
		{"a route", store.TapQuery{Route: "5"}, 3400},
		{"limit and offset are ignored", store.TapQuery{Limit: 10, Offset: 4000}, 5100},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var bs []store.DeviceBatch
		for d := 1; d <= 3; d++ {
			dev := fmt.Sprintf("bus-%d", d)
			if err := s.PutDevice(ctx, store.Device{ID: dev, Role: "bus", Route: fmt.Sprint(5 + d/3)}); err != nil {
				t.Fatal(err)
			}
			bs = append(bs, storetest.Batch(dev, 1, 1700, recv))
		}
		if _, err := s.SaveTaps(ctx, bs); err != nil {
			t.Fatal(err)
		}
		for _, c := range cases {
			var prev *store.StoredTap
			n := 0
			err := s.EachTap(ctx, c.q, func(tap store.StoredTap) error {
				if prev != nil && !before(prev, &tap) {
					return fmt.Errorf("%s/%d after %s/%d", tap.Device, tap.Seq, prev.Device, prev.Seq)
				}
				if c.q.Device != "" && tap.Device != c.q.Device || !c.q.From.IsZero() && tap.Time.Before(c.q.From) {
					return fmt.Errorf("%s/%d does not match", tap.Device, tap.Seq)
				}
				prev, n = &tap, n+1
				return nil
			})
			if err != nil || n != c.want {
				t.Errorf("%s: %d taps, %v; want %d", c.name, n, err, c.want)
			}
		}
		n := 0
		err := s.EachTap(ctx, store.TapQuery{}, func(store.StoredTap) error {
			if n++; n == 2500 {
				return store.ErrStop
			}
			return nil
		})
		if err != nil || n != 2500 {
			t.Errorf("stopped: %d taps, %v; want 2500, nil", n, err)
		}
		boom := errors.New("boom")
		if err := s.EachTap(ctx, store.TapQuery{}, func(store.StoredTap) error { return boom }); !errors.Is(err, boom) {
			t.Errorf("failing callback: %v, want boom", err)
		}
	})
}

// before orders taps by device time, device, seq.
func before(a, b *store.StoredTap) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	if a.Device != b.Device {
		return a.Device < b.Device
	}
	return a.Seq < b.Seq
}

// TestTapsOfPlacePages pages through a route's taps (three devices whose
// times tie, a fourth on another route) and checks every page against the
// same taps selected by hand from all of them.
func TestTapsOfPlacePages(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var bs []store.DeviceBatch
		for d := 1; d <= 4; d++ {
			dev := fmt.Sprintf("bus-%d", d)
			route := "5"
			if d == 4 {
				route = "6"
			}
			if err := s.PutDevice(ctx, store.Device{ID: dev, Role: "bus", Route: route}); err != nil {
				t.Fatal(err)
			}
			bs = append(bs, storetest.Batch(dev, 1, 40, recv))
		}
		if _, err := s.SaveTaps(ctx, bs); err != nil {
			t.Fatal(err)
		}
		all, err := s.Taps(ctx, store.TapQuery{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		for _, tap := range all {
			if tap.Device != "bus-4" {
				want = append(want, fmt.Sprintf("%s/%d", tap.Device, tap.Seq))
			}
		}
		for offset := 0; offset <= 125; offset += 7 {
			got, err := s.Taps(ctx, store.TapQuery{Route: "5", Limit: 10, Offset: offset})
			if err != nil {
				t.Fatal(err)
			}
			w := want[min(offset, len(want)):min(offset+10, len(want))]
			if ids := tapIDs(got); fmt.Sprint(ids) != fmt.Sprint(w) {
				t.Errorf("offset %d: %v, want %v", offset, ids, w)
			}
		}
		got, err := s.Taps(ctx, store.TapQuery{Route: "5", Device: "bus-4"})
		if err != nil || len(got) != 0 {
			t.Errorf("route 5 and bus-4: %d taps, %v; want none", len(got), err)
		}
		got, err = s.Taps(ctx, store.TapQuery{Route: "5", Device: "bus-2", Limit: 5})
		if err != nil || len(got) != 5 || got[0].Device != "bus-2" || got[0].Seq != 40 {
			t.Errorf("route 5 and bus-2: %v, %v", tapIDs(got), err)
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	tapsync "karta/sync"
)

func clock(t time.Time) func() time.Time { return func() time.Time { return t } }

func TestDeviceRegistry(t *testing.T) {
	ctx := context.Background()
	now := storetest.T0
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.OpenOptions(t, dsn, store.Options{Now: clock(now)})
		must(t, s.PutDevice(ctx, store.Device{ID: "bus-1", Role: "bus", Route: "112"}))
		must(t, s.PutDevice(ctx, store.Device{ID: "school-39-t1", Role: "turnstile", School: "school-39", Created: now.Add(-time.Hour)}))
		must(t, s.PutDevice(ctx, store.Device{ID: "bus-1", Role: "bus", Route: "7", Created: now.Add(time.Hour)}))
		must(t, s.RevokeDevice(ctx, "school-39-t1"))
		want := []store.Device{
			{ID: "bus-1", Role: "bus", Route: "7", Created: now},
			{ID: "school-39-t1", Role: "turnstile", School: "school-39", Created: now.Add(-time.Hour), Revoked: true},
		}
		ds, err := s.Devices(ctx)
		must(t, err)
		if !reflect.DeepEqual(ds, want) {
			t.Errorf("Devices:\n got %+v\nwant %+v", ds, want)
		}
		d, err := s.Device(ctx, "bus-1")
		if err != nil || !reflect.DeepEqual(d, want[0]) {
			t.Errorf("Device(bus-1) = %+v, %v", d, err)
		}
	})
}

func TestDeviceErrors(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for name, err := range map[string]error{
			"device":  second(s.Device(ctx, "bus-9")),
			"revoke":  s.RevokeDevice(ctx, "bus-9"),
			"put bad": s.PutDevice(ctx, store.Device{ID: "Bus 9"}),
			"status":  s.UpdateStatus(ctx, tapsync.Status{Device: "bus/9"}, time.Now()),
		} {
			want := store.ErrNotFound
			if strings.Contains(name, "bad") || name == "status" {
				want = store.ErrInvalid
			}
			if !errors.Is(err, want) || !strings.HasPrefix(err.Error(), "store: ") {
				t.Errorf("%s: %v, want %v", name, err, want)
			}
		}
	})
}

func TestUpdateStatus(t *testing.T) {
	ctx := context.Background()
	lists := []tapsync.ListStatus{{List: "bus-fleet", Version: 7, Issued: storetest.T0.Add(-time.Hour), Entries: 120000}}
	readers := []tapsync.Reader{{Name: "pcsc0", OK: true}, {Name: "pn532", Errors: 3}}
	online := tapsync.Status{Device: "bus-1", Online: true, Role: "bus", Boot: 4, Time: recv.Add(-1500 * time.Millisecond),
		Backlog: 12, Lists: lists, Readers: readers, Agent: "karta-agent 1.2"}
	seen := store.Device{ID: "bus-1", Role: "bus", Created: recv, LastSeen: recv, Boot: 4, Backlog: 12, Online: true,
		ClockSkew: -1500 * time.Millisecond, Lists: lists, Readers: readers, Agent: "karta-agent 1.2"}
	later := recv.Add(time.Minute)
	noClock := online
	noClock.Time, noClock.Backlog = time.Time{}, 0
	cases := []struct {
		name  string
		put   *store.Device
		steps []tapsync.Status
		times []time.Time
		want  store.Device
	}{
		{"unknown device registers", nil, []tapsync.Status{online}, []time.Time{recv}, seen},
		{"registry role wins", &store.Device{ID: "bus-1", Role: "validator", Created: recv}, []tapsync.Status{online}, []time.Time{recv},
			with(seen, func(d *store.Device) { d.Role = "validator" })},
		{"last will only marks offline", nil, []tapsync.Status{online, {Device: "bus-1"}}, []time.Time{recv, later},
			with(seen, func(d *store.Device) { d.Online = false })},
		{"no device time keeps the skew", nil, []tapsync.Status{online, noClock}, []time.Time{recv, later},
			with(seen, func(d *store.Device) { d.LastSeen, d.Backlog = later, 0 })},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				if c.put != nil {
					must(t, s.PutDevice(ctx, *c.put))
				}
				for i, st := range c.steps {
					must(t, s.UpdateStatus(ctx, st, c.times[i]))
				}
				got, err := s.Device(ctx, "bus-1")
				must(t, err)
				if !reflect.DeepEqual(got, c.want) {
					t.Errorf("\n got %+v\nwant %+v", got, c.want)
				}
			})
		})
	}
}

func with(d store.Device, f func(*store.Device)) store.Device {
	f(&d)
	return d
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func second[T any](_ T, err error) error { return err }

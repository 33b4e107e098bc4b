package alerts_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"karta/central/alerts"
	"karta/central/store"
	"karta/central/store/storetest"
	tapsync "karta/sync"
)

// sweepT0 is when the sweep tests' devices last spoke.
var sweepT0 = time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)

// sweeping is a store, a Sweeper on it and its clock.
type sweeping struct {
	st  *store.Store
	sw  *alerts.Sweeper
	now time.Time
}

func newSweeping(t *testing.T, st *store.Store) *sweeping {
	s := &sweeping{st: st, now: sweepT0}
	s.sw = alerts.NewSweeper(st, alerts.Options{Now: func() time.Time { return s.now }})
	return s
}

// status records an online status of device at the clock's time,
// running the given list versions.
func (s *sweeping) status(t *testing.T, device string, lists ...tapsync.ListStatus) {
	t.Helper()
	st := tapsync.Status{V: tapsync.V, Device: device, Online: true, Role: "bus", Time: s.now, Lists: lists}
	must(t, s.st.UpdateStatus(context.Background(), st, s.now))
}

func (s *sweeping) sweep(t *testing.T, raised, resolved int) {
	t.Helper()
	got, err := s.sw.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got != (alerts.Swept{Raised: raised, Resolved: resolved}) {
		t.Errorf("at %s: sweep %+v, want %d raised, %d resolved", s.now.Sub(sweepT0), got, raised, resolved)
	}
}

// open lists the open alerts as "kind device".
func (s *sweeping) open(t *testing.T) string {
	t.Helper()
	as, err := s.st.Alerts(context.Background(), true, 0)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, a := range as {
		out = append(out, a.Kind+" "+a.Device)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func TestSweepOffline(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := newSweeping(t, st)
		s.status(t, "bus-0001")
		s.status(t, "bus-0002")
		s.status(t, "bus-0003")
		must(t, st.PutDevice(ctx, store.Device{ID: "bus-0009", Role: "bus"})) // never seen
		s.now = sweepT0.Add(20 * time.Minute)
		s.status(t, "bus-0002")
		s.sweep(t, 0, 0)
		s.now = sweepT0.Add(31 * time.Minute) // bus-0001 and 0003 quiet 31 min, bus-0002 11
		s.sweep(t, 2, 0)
		if got := s.open(t); got != "offline bus-0001, offline bus-0003" {
			t.Errorf("open: %s", got)
		}
		s.now = sweepT0.Add(40 * time.Minute)
		s.sweep(t, 0, 0) // no second alert for the same silence
		must(t, st.RevokeDevice(ctx, "bus-0003"))
		s.status(t, "bus-0001") // back
		s.sweep(t, 0, 2)
		if got := s.open(t); got != "" {
			t.Errorf("open after bus-0001 came back and bus-0003 was revoked: %s", got)
		}
		s.now = sweepT0.Add(2 * time.Hour)
		s.sweep(t, 2, 0) // bus-0001 and bus-0002 quiet again; bus-0003 revoked, bus-0009 never seen
		if got := s.open(t); got != "offline bus-0001, offline bus-0002" {
			t.Errorf("open: %s", got)
		}
	})
}

func TestSweepStaleList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		s := newSweeping(t, st)
		version := func(list string, v uint64, issued time.Time, valid time.Duration) {
			t.Helper()
			must(t, st.SaveList(ctx, store.ListRow{List: list, Version: v, Issued: issued, Expires: issued.Add(valid),
				Signed: []byte(fmt.Sprintf(`{"v":%d}`, v))}))
		}
		fleet := func(v uint64) tapsync.ListStatus { return tapsync.ListStatus{List: "bus-fleet", Version: v} }
		school := func(v uint64) tapsync.ListStatus { return tapsync.ListStatus{List: "school-39", Version: v} }
		version("bus-fleet", 1, sweepT0.Add(-48*time.Hour), 7*24*time.Hour)
		version("bus-fleet", 2, sweepT0.Add(-2*time.Hour), 7*24*time.Hour)
		version("school-39", 4, sweepT0.Add(-30*time.Hour), 24*time.Hour) // expired 6 h ago
		version("school-39", 5, sweepT0.Add(-time.Hour), 7*24*time.Hour)
		s.status(t, "bus-0001", fleet(1))                                             // behind since 2 h: not stale yet
		s.status(t, "bus-0002", fleet(2))                                             // up to date
		s.status(t, "bus-0003", fleet(1), school(4))                                  // its school-39 v4 has expired
		s.status(t, "bus-0004", tapsync.ListStatus{List: "unknown-list", Version: 3}) // central issued no such list
		s.sweep(t, 1, 0)
		if got := s.open(t); got != "stale_list bus-0003" {
			t.Errorf("open: %s", got)
		}
		s.now = sweepT0.Add(4*time.Hour + time.Minute) // bus-fleet v2 issued 6 h 1 min ago
		s.status(t, "bus-0001", fleet(1))
		s.status(t, "bus-0002", fleet(2))
		s.status(t, "bus-0003", fleet(2), school(5)) // caught up
		s.status(t, "bus-0004", tapsync.ListStatus{List: "unknown-list", Version: 3})
		s.sweep(t, 1, 1)
		if got := s.open(t); got != "stale_list bus-0001" {
			t.Errorf("open: %s", got)
		}
		as, err := st.Alerts(ctx, true, 0)
		must(t, err)
		if len(as) != 1 || !strings.Contains(as[0].Detail, "bus-fleet v1 installed, v2 issued 6h1m0s ago") {
			t.Errorf("detail: %+v", as)
		}
		s.status(t, "bus-0001", fleet(2))
		s.sweep(t, 0, 1)
		if got := s.open(t); got != "" {
			t.Errorf("open after catching up: %s", got)
		}
	})
}

// TestSweepLeavesOtherAlerts: a sweep resolves only its own kinds.
func TestSweepLeavesOtherAlerts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s := newSweeping(t, st)
		s.status(t, "bus-0001")
		_, err := st.AddAlert(context.Background(), store.Alert{Kind: store.AlertJournalFull, Device: "bus-0001", Detail: "90 of 100"})
		must(t, err)
		s.sweep(t, 0, 0)
		if got := s.open(t); got != "journal_full bus-0001" {
			t.Errorf("open: %s", got)
		}
	})
}

// TestSweeperRun: Run sweeps at once, and returns when its context ends.
func TestSweeperRun(t *testing.T) {
	st := storetest.Open(t, storetest.DSN(t, "sqlite"))
	s := newSweeping(t, st)
	s.status(t, "bus-0001")
	s.now = sweepT0.Add(time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- s.sw.Run(ctx) }()
	giveUp := time.After(20 * time.Second) // a hang guard, not a measurement
	for s.open(t) != "offline bus-0001" {
		select {
		case err := <-done:
			t.Fatalf("Run returned early: %v", err)
		case <-giveUp:
			t.Fatal("Run raised nothing in 20 s")
		case <-time.After(10 * time.Millisecond):
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
}

package lists_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"karta/central/lists"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	"karta/offline/offlinetest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable test clock.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newBuilder(t *testing.T, s *store.Store, c *clock) *lists.Builder {
	return &lists.Builder{Store: s, Key: bundletest.Key(t), Now: c.now, Log: quiet}
}

// stored reads a list version back from the store as a bundle.
func stored(t *testing.T, s *store.Store, list string, version, base uint64) *bundle.Bundle {
	t.Helper()
	ctx := context.Background()
	vs, err := s.ListVersions(ctx, list)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		if v.Version != version || v.Base != base {
			continue
		}
		b := &bundle.Bundle{Signed: v.Signed}
		for i := range v.NChunks {
			c, err := s.ListChunk(ctx, list, version, base, i)
			if err != nil {
				t.Fatal(err)
			}
			b.Chunks = append(b.Chunks, c)
		}
		return b
	}
	t.Fatalf("%s v%d base %d is not stored", list, version, base)
	return nil
}

// ops opens b as a device would and returns its ops.
func ops(t *testing.T, b *bundle.Bundle, now time.Time) []offline.Op {
	t.Helper()
	v, err := bundle.Open(b, bundletest.Ring(t, bundletest.Key(t)), now)
	if err != nil {
		t.Fatal(err)
	}
	var out []offline.Op
	for {
		op, err := v.Next()
		if errors.Is(err, io.EOF) {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, op)
	}
}

func build(t *testing.T, b *lists.Builder, refresh bool) map[string]lists.Result {
	t.Helper()
	res, err := b.Build(context.Background(), refresh)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]lists.Result{}
	for _, r := range res {
		m[r.List] = r
	}
	return m
}

func audience(t *testing.T, s *store.Store, a store.Audience) []*offline.Entry {
	t.Helper()
	es, err := s.AudienceEntries(context.Background(), a)
	if err != nil {
		t.Fatal(err)
	}
	return es
}

func TestBuild(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{bundletest.Now}
		b := newBuilder(t, s, c)
		entries := bundletest.Entries(60)
		if _, err := s.PutEntitlements(ctx, entries); err != nil {
			t.Fatal(err)
		}

		// First: a snapshot of every list, no delta.
		res := build(t, b, false)
		if len(res) != 11 { // bus-fleet and 10 schools
			t.Fatalf("built %d lists: %v", len(res), res)
		}
		bus := res[lists.BusFleet]
		want := audience(t, s, store.Audience{Bus: true})
		if bus.Why != lists.First || bus.Version != 1 || bus.Base != 0 || bus.Entries != len(want) {
			t.Errorf("bus-fleet: %+v", bus)
		}
		v1 := ops(t, stored(t, s, lists.BusFleet, 1, 0), c.t)
		if got := entriesOf(v1); !reflect.DeepEqual(got, want) {
			t.Errorf("bus-fleet v1 holds %d entries, its audience %d", len(got), len(want))
		}

		// Unchanged: nothing built.
		for list, r := range build(t, b, false) {
			if r.Why != lists.Unchanged || r.Built() {
				t.Errorf("%s unchanged: %+v", list, r)
			}
		}
		if vs, _ := s.ListVersions(ctx, lists.BusFleet); len(vs) != 1 {
			t.Errorf("%d versions of bus-fleet after an unchanged build", len(vs))
		}

		// A change: one entry changed, one added, one removed.
		changed := *entries[0]
		changed.Bus = &offline.BusRight{Discount: 30}
		added := bundletest.Entry(1000) // a bus right
		removed := entries[4].Token     // a bus right
		if _, err := s.PutEntitlements(ctx, []*offline.Entry{&changed, added}); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteEntitlements(ctx, []string{removed}); err != nil {
			t.Fatal(err)
		}
		c.t = c.t.Add(time.Hour)
		res = build(t, b, false)
		bus = res[lists.BusFleet]
		if bus.Why != lists.Changed || bus.Version != 2 || bus.Base != 1 || bus.Puts != 2 || bus.Deletes != 1 {
			t.Errorf("bus-fleet after a change: %+v", bus)
		}
		if r := res["school-1"]; r.Built() {
			t.Errorf("school-1 did not change: %+v", r)
		}
		delta := ops(t, stored(t, s, lists.BusFleet, 2, 1), c.t)
		wantOps := []offline.Op{{Token: changed.Token, Entry: &changed}, {Token: added.Token, Entry: added}, {Token: removed}}
		sortOps(wantOps)
		if !reflect.DeepEqual(delta, wantOps) {
			t.Errorf("delta v1→v2:\n got %v\nwant %v", delta, wantOps)
		}
		checkInstall(t, s, c, lists.BusFleet, 1, 2)
	})
}

// checkInstall installs snapshot v1 and the delta v1→v2 on a device's
// lists and checks it holds what snapshot v2 holds.
func checkInstall(t *testing.T, s *store.Store, c *clock, list string, v1, v2 uint64) {
	t.Helper()
	dev := offlinetest.Lists(t, c.now)
	ring := bundletest.Ring(t, bundletest.Key(t))
	for _, b := range []*bundle.Bundle{stored(t, s, list, v1, 0), stored(t, s, list, v2, v1)} {
		v, err := bundle.Open(b, ring, c.t)
		if err != nil {
			t.Fatal(err)
		}
		if err := dev.Install(v.Version(), v, nil); err != nil {
			t.Fatal(err)
		}
	}
	want := entriesOf(ops(t, stored(t, s, list, v2, 0), c.t))
	for _, e := range want {
		got, err := dev.Get(list, e.Token)
		if err != nil || !reflect.DeepEqual(got, e) {
			t.Errorf("device holds %+v, %v; snapshot v%d says %+v", got, err, v2, e)
		}
	}
	if st, _ := dev.State(list); st.Version != v2 || st.Entries != len(want) {
		t.Errorf("device state %+v; want v%d of %d entries", st, v2, len(want))
	}
}

func TestBuildRefreshAndRenew(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{bundletest.Now}
		b := newBuilder(t, s, c)
		if _, err := s.PutEntitlements(ctx, bundletest.Entries(20)); err != nil {
			t.Fatal(err)
		}
		build(t, b, false)
		res := build(t, b, true)
		bus := res[lists.BusFleet]
		if bus.Why != lists.Refreshed || bus.Version != 2 || bus.Base != 1 || bus.Puts+bus.Deletes != 0 {
			t.Errorf("refresh: %+v", bus)
		}
		if d := ops(t, stored(t, s, lists.BusFleet, 2, 1), c.t); len(d) != 0 {
			t.Errorf("the refresh's delta has %d ops", len(d))
		}
		checkInstall(t, s, c, lists.BusFleet, 1, 2)

		c.t = c.t.Add(lists.DefaultExpires - lists.DefaultRenew - time.Hour)
		if r := build(t, b, false)[lists.BusFleet]; r.Built() {
			t.Errorf("built before the renewal window: %+v", r)
		}
		c.t = c.t.Add(2 * time.Hour)
		r := build(t, b, false)[lists.BusFleet]
		if r.Why != lists.Renewed || r.Version != 3 {
			t.Errorf("in the renewal window: %+v", r)
		}
		m, err := bundle.PeekManifest(stored(t, s, lists.BusFleet, 3, 0).Signed)
		if err != nil || !m.Expires.Equal(c.t.Add(lists.DefaultExpires)) {
			t.Errorf("renewed version expires %v, %v", m.Expires, err)
		}
	})
}

// TestBuildEmptiedSchool: a school whose last card left gets a version of
// its stops only, not silence.
func TestBuildEmptiedSchool(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c := &clock{bundletest.Now}
		b := newBuilder(t, s, c)
		es := bundletest.Entries(12) // school-1, school-2, school-11 and stops
		if _, err := s.PutEntitlements(ctx, es); err != nil {
			t.Fatal(err)
		}
		build(t, b, false)
		if err := s.DeleteEntitlements(ctx, []string{es[11].Token}); err != nil {
			t.Fatal(err)
		}
		r := build(t, b, false)["school-11"]
		if r.Why != lists.Changed || r.Version != 2 || r.Deletes != 1 || r.Entries != len(audience(t, s, store.Audience{School: "school-11"})) {
			t.Errorf("school-11 emptied: %+v", r)
		}
	})
}

// scanCounter counts the audiences a Builder scans.
type scanCounter struct {
	*store.Store
	scans int
}

func (s *scanCounter) ScanAudience(ctx context.Context, a store.Audience, fn func(*offline.Entry) error) error {
	s.scans++
	return s.Store.ScanAudience(ctx, a, fn)
}

// TestBuildSkipsScans: while the registry does not change, a Builder
// scans no audience; any import makes it look again.
func TestBuildSkipsScans(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t, storetest.DSN(t, "sqlite"))
	sc := &scanCounter{Store: s}
	c := &clock{bundletest.Now}
	b := &lists.Builder{Store: sc, Key: bundletest.Key(t), Now: c.now, Log: quiet}
	es := bundletest.Entries(20)
	if _, err := s.PutEntitlements(ctx, es); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name    string
		do      func()
		scanned bool
		built   string
	}{
		{"first", func() {}, true, lists.First},
		{"again", func() {}, false, lists.Unchanged},
		{"same entries written again", func() { s.PutEntitlements(ctx, es[:1]) }, true, lists.Unchanged},
		{"and again", func() {}, false, lists.Unchanged},
		{"a card deleted", func() { s.DeleteEntitlements(ctx, []string{es[0].Token}) }, true, lists.Changed},
		{"near expiry", func() { c.t = c.t.Add(lists.DefaultExpires - time.Hour) }, true, lists.Renewed},
		{"renewed", func() {}, false, lists.Unchanged},
	}
	for _, st := range steps {
		st.do()
		sc.scans = 0
		r := build(t, b, false)[lists.BusFleet]
		if (sc.scans > 0) != st.scanned || r.Why != st.built {
			t.Errorf("%s: %d scans, bus-fleet %s; want scanned %v, %s", st.name, sc.scans, r.Why, st.scanned, st.built)
		}
	}
}

// TestBuildShortLife: with versions of two days' life a fresh version is
// not renewed at once (the renewal window is at most a quarter of it).
func TestBuildShortLife(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, "sqlite"))
	if _, err := s.PutEntitlements(context.Background(), bundletest.Entries(10)); err != nil {
		t.Fatal(err)
	}
	c := &clock{bundletest.Now}
	b := &lists.Builder{Store: s, Key: bundletest.Key(t), Now: c.now, Log: quiet, Expires: 48 * time.Hour}
	build(t, b, false)
	fresh := &lists.Builder{Store: s, Key: bundletest.Key(t), Now: c.now, Log: quiet, Expires: 48 * time.Hour}
	c.t = c.t.Add(35 * time.Hour)
	if r := build(t, fresh, false)[lists.BusFleet]; r.Why != lists.Unchanged {
		t.Errorf("13 h before expiry: %s, want unchanged", r.Why)
	}
	c.t = c.t.Add(2 * time.Hour)
	if r := build(t, fresh, false)[lists.BusFleet]; r.Why != lists.Renewed {
		t.Errorf("11 h before expiry: %s, want renewed", r.Why)
	}
}

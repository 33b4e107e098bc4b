package lists_test

import (
	"context"
	"fmt"
	"testing"

	"karta/central/lists"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/bundle/bundletest"
)

// BenchmarkBuild builds bus-fleet from a registry of 200,000 bus cards:
// each op is one version, a full merge of the audience with the last
// version's members, signed as a snapshot and as a delta carrying
// "changes" changed entries, and stored. It reports the snapshot's
// compressed size.
//
//	go test ./central/lists -run XXX -bench Build -benchtime 3x
func BenchmarkBuild(b *testing.B) {
	for _, backend := range storetest.Backends {
		for _, changes := range []int{0, 10000} {
			b.Run(fmt.Sprintf("%s/entries=200000/changes=%d", backend, changes), func(b *testing.B) {
				benchBuild(b, backend, 200000, changes)
			})
		}
	}
}

func benchBuild(b *testing.B, backend string, n, changes int) {
	ctx := context.Background()
	s := storetest.Open(b, storetest.DSN(b, backend))
	entries := bundletest.Entries(n)
	if _, err := s.PutEntitlements(ctx, entries); err != nil {
		b.Fatal(err)
	}
	c := &clock{bundletest.Now}
	bl := &lists.Builder{Store: s, Key: bundletest.Key(b), Now: c.now, Log: quiet}
	bus := lists.Target{List: lists.BusFleet, Audience: store.Audience{Bus: true}}
	if _, err := bl.BuildList(ctx, bus, true); err != nil {
		b.Fatal(err)
	}
	var r lists.Result
	round := 0
	for b.Loop() {
		b.StopTimer()
		change(b, s, entries, changes, round)
		round++
		b.StartTimer()
		var err error
		if r, err = bl.BuildList(ctx, bus, true); err != nil || r.Puts != changes {
			b.Fatalf("%+v, %v", r, err)
		}
	}
	b.ReportMetric(float64(r.SnapshotBytes), "snapshot-bytes")
	b.ReportMetric(float64(r.DeltaBytes), "delta-bytes")
}

// change gives the first k entries a new category.
func change(b *testing.B, s *store.Store, entries []*offline.Entry, k, round int) {
	if k == 0 {
		return
	}
	changed := make([]*offline.Entry, k)
	for i := range changed {
		e := *entries[i]
		e.Category = fmt.Sprintf("round-%d", round)
		changed[i] = &e
	}
	if _, err := s.PutEntitlements(context.Background(), changed); err != nil {
		b.Fatal(err)
	}
}

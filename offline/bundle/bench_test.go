package bundle_test

import (
	"testing"

	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

const benchEntries = 200_000

func BenchmarkBuildSnapshot(b *testing.B) {
	key := bundletest.Key(b)
	entries := bundletest.Entries(benchEntries)
	for b.Loop() {
		w, err := bundle.NewSnapshot("bus-fleet", 1, bundle.Options{})
		if err != nil {
			b.Fatal(err)
		}
		for _, e := range entries {
			if err := w.Put(e); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := w.Sign(key, issued, expires); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchEntries*b.N)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkOpen verifies a snapshot and reads every op, as an install does.
func BenchmarkOpen(b *testing.B) {
	key := bundletest.Key(b)
	bun := bundletest.Snapshot(b, key, "bus-fleet", 1, bundletest.Entries(benchEntries), expires)
	ring := bundletest.Ring(b, key)
	for b.Loop() {
		v, err := bundle.Open(bun, ring, now)
		if err != nil {
			b.Fatal(err)
		}
		for n := 0; ; n++ {
			if _, err := v.Next(); err != nil {
				if n != benchEntries {
					b.Fatalf("%d ops: %v", n, err)
				}
				break
			}
		}
	}
	b.ReportMetric(float64(benchEntries*b.N)/b.Elapsed().Seconds(), "entries/s")
}

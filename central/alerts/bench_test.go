package alerts_test

import (
	"context"
	"testing"
	"time"

	"karta/central/alerts"
	"karta/central/store"
	"karta/central/store/storetest"
	tapsync "karta/sync"
)

// BenchmarkCheck measures how many taps a Checker checks per second
// (clone lookups, skew, gaps, and the clone alerts the synthetic cards
// raise) against a store holding 100,000 taps of 20 buses, fed batches of
// 500 new taps as ingest would after storing them. Measured on the shared
// 2-core machine (load average 9-10 from other tests): 35,000-93,000
// taps/s on SQLite, 40,000-96,000 on PostgreSQL, at or above ingest's
// 30,000; the checker drops (and counts) what it cannot keep up with.
func BenchmarkCheck(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			ctx := context.Background()
			dsn := storetest.DSN(b, backend)
			st := storetest.Open(b, dsn)
			recv := storetest.T0.Add(time.Hour)
			for dev := range 20 {
				id := "bus-" + string(rune('a'+dev))
				if _, err := st.SaveTaps(ctx, []store.DeviceBatch{storetest.Batch(id, 1, 5000, recv)}); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := storetest.SQL(b, dsn).ExecContext(ctx, "ANALYZE"); err != nil { // as autovacuum would have
				b.Fatal(err)
			}
			c := alerts.NewChecker(st, alerts.Options{Log: quiet, Queue: b.N + 1})
			run, cancel := context.WithCancel(ctx)
			done := make(chan struct{})
			go func() { c.Run(run); close(done) }()
			defer func() { cancel(); <-done }()
			batches := make([]tapsync.TapBatch, 16)
			for i := range batches {
				sb := storetest.Batch("bus-z", uint64(i*500+1), uint64(i*500+500), recv)
				batches[i] = tapsync.TapBatch{V: 1, Device: "bus-z", From: uint64(i*500 + 1), To: uint64(i*500 + 500), Taps: sb.Taps, Sent: recv}
			}
			b.ResetTimer()
			for i := range b.N {
				bt := batches[i%len(batches)]
				c.Batch(bt, store.Saved{Device: "bus-z", New: 500, PrevHigh: bt.From - 1}, recv)
			}
			for c.Stats().Checked < int64(b.N) {
				time.Sleep(time.Millisecond)
			}
			b.ReportMetric(float64(b.N*500)/b.Elapsed().Seconds(), "taps/s")
		})
	}
}

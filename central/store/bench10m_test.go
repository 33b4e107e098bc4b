package store_test

import (
	"context"
	"os"
	"strconv"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline/offlinetest"
)

// BenchmarkCentral times what the ops pages and the API ask of a store
// holding $KARTA_BENCH_TAPS taps (storetest.FillTaps: 300 devices, 12
// months), on each backend; without the variable it is skipped. Each
// figure comes with its baseline where one makes sense: the same page as a
// plain indexed SELECT, the report read from the taps instead of the report
// tables.
// Filling 10 million takes minutes; $KARTA_BENCH_KEEP=DIR keeps the
// databases for the next run:
//
//	KARTA_BENCH_TAPS=10000000 KARTA_BENCH_KEEP=/tmp/kb go test -run '^$' -bench Central -benchtime 20x -timeout 2h ./central/store/
func BenchmarkCentral(b *testing.B) {
	n, err := strconv.ParseInt(os.Getenv("KARTA_BENCH_TAPS"), 10, 64)
	if err != nil || n <= 0 {
		b.Skip("set KARTA_BENCH_TAPS to the number of taps, e.g. 10000000")
	}
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			start := time.Now()
			s := storetest.BenchStore(b, backend, n)
			b.Logf("%s: %d taps ready in %v", backend, n, time.Since(start).Round(time.Second))
			benchPages(b, s)
			benchReports(b, s)
		})
	}
}

// A day and a month in the middle of the filled year, in Kaliningrad.
var (
	benchDay   = time.Date(2026, 6, 10, 0, 0, 0, 0, store.ReportZone)
	benchMonth = time.Date(2026, 6, 1, 0, 0, 0, 0, store.ReportZone)
)

func benchPages(b *testing.B, s *store.Store) {
	no := false
	pages := []struct {
		name string
		q    store.TapQuery
	}{
		{"page", store.TapQuery{}},
		{"page/device", store.TapQuery{Device: "bus-042"}},
		{"page/route", store.TapQuery{Route: "21"}},
		{"page/school", store.TapQuery{School: "school-42"}},
		{"page/role", store.TapQuery{Role: "canteen"}},
		{"page/denied", store.TapQuery{Allowed: &no}},
		{"page/reason", store.TapQuery{Reason: "stoplisted"}},
		{"page/token", store.TapQuery{Token: offlinetest.Token(12345)}},
		{"page/range", store.TapQuery{From: benchDay, To: benchDay.Add(24 * time.Hour)}},
		{"page/route+range", store.TapQuery{Route: "21", From: benchDay, To: benchDay.Add(24 * time.Hour)}},
		{"page/10th", store.TapQuery{Offset: 900}},
	}
	for _, p := range pages {
		p.q.Limit = 101 // a page of 100 and whether there is a next
		b.Run(p.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.Taps(context.Background(), p.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("page/baseline", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.CountRows(context.Background(), `SELECT * FROM taps ORDER BY at_us DESC LIMIT 101`); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("page/device/baseline", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.CountRows(context.Background(), `SELECT * FROM taps WHERE device = ? ORDER BY at_us DESC LIMIT 101`, "bus-042"); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func benchReports(b *testing.B, s *store.Store) {
	ctx := context.Background()
	month := benchMonth.AddDate(0, 1, 0)
	run := func(name string, f func() (int, error)) {
		b.Run(name, func(b *testing.B) {
			rows := 0
			for b.Loop() {
				n, err := f()
				if err != nil {
					b.Fatal(err)
				}
				rows = n
			}
			b.ReportMetric(float64(rows), "rows")
		})
	}
	run("taps-per-hour/24h", func() (int, error) {
		hs, err := s.TapsPerHour(ctx, benchDay, benchDay.Add(24*time.Hour))
		return len(hs), err
	})
	run("taps-per-hour/24h/from-taps", func() (int, error) {
		hs, err := s.TapsPerHourScan(ctx, benchDay, benchDay.Add(24*time.Hour))
		return len(hs), err
	})
	run("rides/month", func() (int, error) {
		rs, err := s.RidesReport(ctx, benchMonth, month, store.ReportZone)
		return len(rs), err
	})
	run("rides/month/from-taps", func() (int, error) {
		rs, err := s.RidesReportScan(ctx, benchMonth, month, store.ReportZone)
		return len(rs), err
	})
	run("rides/year", func() (int, error) {
		rs, err := s.RidesReport(ctx, benchMonth.AddDate(0, -5, 0), benchMonth.AddDate(0, 7, 0), store.ReportZone)
		return len(rs), err
	})
	run("meals/month", func() (int, error) {
		ms, err := s.MealsReport(ctx, benchMonth, month, store.ReportZone)
		return len(ms), err
	})
	run("meals/month/from-taps", func() (int, error) {
		ms, err := s.MealsReportScan(ctx, benchMonth, month, store.ReportZone)
		return len(ms), err
	})
}

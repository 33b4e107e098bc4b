package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/offlinetest"
)

// A round of the benchmarks: devices batches of taps taps each, the first
// dup of each repeating the previous round's last ones (5 % duplicates
// when dup is taps/20, as after lost acks). Cards are scattered over
// storetest.Cards, as a fleet's are; half of them are in the registry
// (benchRegistry). Rides are free, at 50 %, at 30 % and at full fare in
// turn, so three in four go into the reports' counts (ride_months).
type shape struct {
	devices, taps, dup int
	perOp              int // rounds per benchmark op; 0: 1
}

var benchShape = shape{devices: 50, taps: 100, dup: 5}

func (sh shape) round(i int) []store.DeviceBatch {
	from := uint64(i*(sh.taps-sh.dup) + 1)
	recv := storetest.T0.Add(time.Duration(i) * time.Second)
	bs := make([]store.DeviceBatch, sh.devices)
	for d := range bs {
		bs[d] = storetest.Batch(fmt.Sprintf("bus-%03d", d), from, from+uint64(sh.taps)-1, recv)
		for j := range bs[d].Taps {
			t := &bs[d].Taps[j]
			t.Product, t.Fare = benchProducts[t.Seq%4].product, benchProducts[t.Seq%4].fare
		}
	}
	return bs
}

var benchProducts = [4]struct {
	product string
	fare    int
}{{"bus:free", 0}, {"bus:discount-50", 1500}, {"bus:discount-30", 2100}, {"bus:full", 3000}}

// benchRegistry puts the first half of storetest.Cards in the registry,
// a category each.
func benchRegistry(b *testing.B, s *store.Store) {
	es := make([]*offline.Entry, storetest.Cards/2)
	for i := range es {
		es[i] = &offline.Entry{Token: offlinetest.Token(i), Category: []string{"pensioner", "schoolchild", "veteran"}[i%3],
			Bus: &offline.BusRight{Discount: 50}}
	}
	if _, err := s.PutEntitlements(context.Background(), es); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkSaveTaps ingests b.N rounds of 50 devices × 100 taps through
// SaveTaps, then the same rows through RawInsert (a bare table: no key, no
// index, no dedupe), and reports both rates and their ratio. The database
// grows by 5000 taps a round, so more rounds measure a fuller table:
//
//	go test -run '^$' -bench 'SaveTaps$' -benchtime 400x ./central/store/
func BenchmarkSaveTaps(b *testing.B) {
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) { benchShape.bench(b, backend) })
	}
}

// BenchmarkSaveTapsRoundSize shows what the size of a group commit buys:
// the same 50 devices sending 20, 100 or 400 taps a round. An op is 20,000
// taps whatever the round size, so that -benchtime Nx fills the table
// alike:
//
//	go test -run '^$' -bench SaveTapsRoundSize -benchtime 100x ./central/store/
func BenchmarkSaveTapsRoundSize(b *testing.B) {
	for _, backend := range storetest.Backends {
		for _, n := range []int{20, 100, 400} {
			sh := shape{devices: 50, taps: n, dup: n / 20, perOp: 20000 / (50 * n)}
			b.Run(fmt.Sprintf("%s/taps=%d", backend, sh.devices*n), func(b *testing.B) { sh.bench(b, backend) })
		}
	}
}

func (sh shape) bench(b *testing.B, backend string) {
	s := storetest.Open(b, storetest.DSN(b, backend))
	benchRegistry(b, s)
	ctx := context.Background()
	save := sh.time(b, func(bs []store.DeviceBatch) error {
		_, err := s.SaveTaps(ctx, bs)
		return err
	})
	raw := sh.time(b, func(bs []store.DeviceBatch) error { return s.RawInsert(ctx, bs) })
	taps := float64(sh.rounds(b) * sh.devices * sh.taps)
	b.ReportMetric(taps/save.Seconds(), "taps/s")
	b.ReportMetric(taps/raw.Seconds(), "raw-taps/s")
	b.ReportMetric(float64(save)/float64(raw), "x-raw")
	b.ReportMetric(0, "ns/op") // the rounds' making is in ns/op; taps/s is the figure
}

func (sh shape) rounds(b *testing.B) int { return b.N * max(sh.perOp, 1) }

// time runs the benchmark's rounds through f and returns the time f took,
// leaving out the making of the rounds.
func (sh shape) time(b *testing.B, f func([]store.DeviceBatch) error) time.Duration {
	var d time.Duration
	for i := range sh.rounds(b) {
		bs := sh.round(i)
		start := time.Now()
		if err := f(bs); err != nil {
			b.Fatal(err)
		}
		d += time.Since(start)
	}
	return d
}

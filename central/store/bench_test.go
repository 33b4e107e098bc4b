package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
)

// A round of the benchmarks: devices batches of taps taps each, the first
// dup of each repeating the previous round's last ones (5 % duplicates
// when dup is taps/20, as after lost acks). Cards are scattered over
// storetest.Cards, as a fleet's are.
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
	}
	return bs
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

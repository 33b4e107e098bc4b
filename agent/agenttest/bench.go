package agenttest

import (
	"context"
	"testing"
	"time"

	"karta/agent"
	"karta/readers"
	"karta/readers/readertest"
)

// BenchTaps taps card into dev b.N times and reports per tap the whole
// time (tap-ms), the APDU round trips in it (apdu-ms), the agent's own
// share (agent-ms) and the exchanges (apdus/tap). Each tap must be
// journaled and allowed. It returns the mean time of one APDU round trip
// inside a tap, for a ratio to the caller's bare round trip.
func BenchTaps(b *testing.B, dev *agent.Device, card readers.Card) time.Duration {
	timed := &readertest.Timed{Card: card}
	var total, apdu time.Duration
	taps := 0
	for b.Loop() {
		timed.Reset()
		start := time.Now()
		if res := dev.Tap(context.Background(), timed, "front", ""); res.Seq == 0 || !res.Decision.Allowed {
			b.Fatalf("tap: %+v", res.Decision)
		}
		total += time.Since(start)
		apdu += timed.Spent()
		taps++
	}
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(taps) / 1000 }
	b.ReportMetric(per(total), "tap-ms")
	b.ReportMetric(per(apdu), "apdu-ms")
	b.ReportMetric(per(total-apdu), "agent-ms")
	b.ReportMetric(float64(timed.Exchanges()), "apdus/tap")
	return apdu / time.Duration(max(1, taps*timed.Exchanges()))
}

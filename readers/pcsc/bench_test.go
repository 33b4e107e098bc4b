package pcsc_test

import (
	"context"
	"testing"
	"time"

	"karta/agent/agenttest"
	"karta/readers/pcsc"
	"karta/readers/pcsc/pcsctest"
	"karta/sim/vpcd"
)

// BenchmarkTapThroughPCSCD taps a virtual Mir card through the real pcscd
// (vsmartcard's vpcd reader) into a bus validator: the whole tap, the APDU
// round trips in it, and the agent's own share; beside a bare SELECT round
// trip through the same pcscd in the same run.
func BenchmarkTapThroughPCSCD(b *testing.B) {
	d := pcsctest.Start(b)
	pc, err := pcsc.Open(pcsc.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer pc.Close()
	client := vpcd.NewClient(vpcd.Options{Addr: d.Addr(0)})
	defer client.Close()
	c := simCard(b, "mir-debit")
	if err := client.Insert(func() vpcd.Responder { return c.Insert() }); err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), patience)
	defer cancel()
	card, err := pc.Reader(d.Reader(0)).WaitCard(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer card.Close()
	roundTrip := bareRoundTrip(b, card)
	dev := agenttest.BusDevice(b, testKey(b))
	perAPDU := agenttest.BenchTaps(b, dev, card)
	b.ReportMetric(float64(roundTrip.Microseconds())/1000, "raw-roundtrip-ms")
	b.ReportMetric(float64(perAPDU)/float64(roundTrip), "x-raw-roundtrip")
}

// bareRoundTrip times SELECT PPSE through pcscd, with no parsing at all.
func bareRoundTrip(b *testing.B, card interface {
	Transmit(context.Context, []byte) ([]byte, error)
}) time.Duration {
	sel := []byte{0x00, 0xA4, 0x04, 0x00, 0x0E, '2', 'P', 'A', 'Y', '.', 'S', 'Y', 'S', '.', 'D', 'D', 'F', '0', '1', 0x00}
	const n = 200
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := card.Transmit(context.Background(), sel); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start) / n
}

package pn532_test

import (
	"context"
	"testing"
	"time"

	"karta/agent/agenttest"
	"karta/offline/token"
	"karta/readers/pn532"
	"karta/sim"
	simpn532 "karta/sim/pn532"
)

// BenchmarkTapThroughPN532 taps a virtual Mir card through the PN532
// emulator on a real pty into a bus validator: the whole tap, the APDU
// round trips in it (InDataExchange frames over the line), and the agent's
// share; beside a bare SELECT round trip over the same line in the same run.
func BenchmarkTapThroughPN532(b *testing.B) {
	em, err := simpn532.New(simpn532.Options{})
	if err != nil {
		b.Skipf("no pty: %v", err)
	}
	defer em.Close()
	c, _ := sim.Lookup("mir-debit")
	em.Insert(c.Insert())
	port, err := pn532.OpenSerial(em.Path(), pn532.DefaultBaud)
	if err != nil {
		b.Fatal(err)
	}
	r := pn532.New(port, pn532.Options{Name: "front"})
	defer r.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	card, err := r.WaitCard(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer card.Close()
	roundTrip := bareSelect(b, card)
	key, _ := token.NewKey("k1", []byte("pn532-bench-token-key-0123456789"))
	dev := agenttest.BusDevice(b, key)
	perAPDU := agenttest.BenchTaps(b, dev, card)
	b.ReportMetric(float64(roundTrip.Microseconds())/1000, "raw-roundtrip-ms")
	b.ReportMetric(float64(perAPDU)/float64(roundTrip), "x-raw-roundtrip")
}

func bareSelect(b *testing.B, card interface {
	Transmit(context.Context, []byte) ([]byte, error)
}) time.Duration {
	sel := []byte{0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x06, 0x58, 0x00}
	const n = 200
	start := time.Now()
	for i := 0; i < n; i++ {
		if _, err := card.Transmit(context.Background(), sel); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start) / n
}

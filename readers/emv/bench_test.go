package emv_test

import (
	"bytes"
	"context"
	"sync"
	"testing"
	"time"

	"karta/readers/emv"
	"karta/readers/readertest"
	"karta/sim"
)

// cannedCard answers from a table of responses recorded from a sim card, so
// that a benchmark measures the reader's parsing and logic, not the card.
type cannedCard struct {
	cmds, resps [][]byte
}

func canned(b *testing.B, name string) *cannedCard {
	c := simCard(b, name)
	inner := c.Insert()
	cc := &cannedCard{}
	rec := readertest.NewCard(func(cmd []byte) ([]byte, error) {
		resp, err := inner.Transmit(context.Background(), cmd)
		cc.cmds, cc.resps = append(cc.cmds, cmd), append(cc.resps, resp)
		return resp, err
	})
	if _, err := emv.NewReader(testKey(b), emv.Options{}).Read(context.Background(), rec); err != nil {
		b.Fatal(err)
	}
	return cc
}

// respond finds the answer by command header (GPO data change each run).
func (cc *cannedCard) respond(cmd []byte) ([]byte, error) {
	for i, c := range cc.cmds {
		if bytes.Equal(c[:4], cmd[:4]) && (cmd[1] != 0xA4 || bytes.Equal(c, cmd)) {
			return cc.resps[i], nil
		}
	}
	return []byte{0x6A, 0x82}, nil
}

// card is a minimal readers.Card over respond, without readertest's
// bookkeeping, so the baseline is as raw as the read is.
type card struct{ cc *cannedCard }

func (c card) Transmit(_ context.Context, cmd []byte) ([]byte, error) { return c.cc.respond(cmd) }
func (card) WaitRemoved(context.Context) error                        { return nil }
func (card) Close() error                                             { return nil }

var baselines sync.Map // card name → ns/op of raw exchanges

// rawExchanges replays the same commands with no parsing, the floor a read
// of this card cannot go below, and returns ns per replay: the best of
// five timed rounds (testing.Benchmark cannot nest in a benchmark).
func rawExchanges(b *testing.B, name string, cc *cannedCard) float64 {
	if v, ok := baselines.Load(name); ok {
		return v.(float64)
	}
	const rounds, perRound = 5, 20000
	c := card{cc}
	best := time.Duration(1 << 62)
	for range rounds {
		start := time.Now()
		for range perRound {
			for _, cmd := range cc.cmds {
				if _, err := c.Transmit(context.Background(), cmd); err != nil {
					b.Fatal(err)
				}
			}
		}
		best = min(best, time.Since(start))
	}
	ns := float64(best.Nanoseconds()) / perRound
	baselines.Store(name, ns)
	return ns
}

// BenchmarkRead measures a whole read (select, GPO, records, tokens)
// against an in-memory card, and reports it as a multiple of the raw
// exchanges with the same card, measured in the same run.
func BenchmarkRead(b *testing.B) {
	for _, name := range []string{"mir-debit", "mir-pay", "visa-gpo-track2", "mastercard-records", "mir-maestro"} {
		b.Run(name, func(b *testing.B) {
			cc := canned(b, name)
			base := rawExchanges(b, name, cc)
			r := emv.NewReader(testKey(b), emv.Options{})
			var apdus int
			b.ReportAllocs()
			for b.Loop() {
				id, err := r.Read(context.Background(), card{cc})
				if err != nil {
					b.Fatal(err)
				}
				apdus = id.APDUs
			}
			b.ReportMetric(float64(apdus), "apdus/read")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/base, "x-raw-exchanges")
		})
	}
}

func BenchmarkParseRecord(b *testing.B) {
	rec := sim.Cards()[0].Apps[0].Records[[2]byte{1, 1}]
	b.ReportAllocs()
	for b.Loop() {
		if _, err := emv.Parse(rec); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPANToken(b *testing.B) {
	k := testKey(b)
	pan := []byte("2202456789012347")
	b.ReportAllocs()
	for b.Loop() {
		_ = k.PANToken(pan)
	}
}

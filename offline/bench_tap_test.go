package offline_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"karta/agent"
	"karta/agent/agenttest"
	"karta/hardware/hardwaretest"
	"karta/offline"
	"karta/readers"
	"karta/readers/emv"
)

// knownCard is an Identifier whose identity is already known: the tap
// benchmark starts where the card read ends ("identity in").
type knownCard struct {
	tokens []string
	i      int
}

func (k *knownCard) Read(context.Context, readers.Card) (emv.Identity, error) {
	k.i++
	return emv.Identity{Scheme: emv.SchemeMir, Token: k.tokens[k.i%len(k.tokens)], Expiry: "3012"}, nil
}

// BenchmarkTap measures the software time of a tap, identity in → lookup →
// decision → journaled → signalled, on the 2,000,000-entry list (budget:
// p99 ≤ 2 ms). The journal lives on the real disk, and on tmpfs where
// fsync costs nothing, which isolates the software; each beside a raw
// bbolt Get plus one-key Update on the same medium.
func BenchmarkTap(b *testing.B) {
	l := bigLists(b)
	for _, medium := range []string{"disk", "tmpfs"} {
		b.Run(medium, func(b *testing.B) {
			dir := b.TempDir()
			if medium == "tmpfs" {
				dir = shmDir(b)
			}
			benchTap(b, l, dir)
		})
	}
}

func shmDir(b *testing.B) string {
	dir, err := os.MkdirTemp("/dev/shm", "karta-bench-")
	if err != nil {
		b.Skipf("no tmpfs at /dev/shm: %v", err)
	}
	b.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func benchTap(b *testing.B, l *offline.Lists, dir string) {
	j, err := offline.OpenJournal(filepath.Join(dir, "journal.db"), offline.JournalOptions{MaxTaps: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	engine, _ := agent.Rules{Role: agent.RoleBus, Lists: []string{"bus-fleet"}, Bus: agent.BusRules{FullFare: 4200}}.Compile()
	board := &hardwaretest.Board{}
	dev := &agent.Device{Engine: engine, Identify: &knownCard{tokens: lookupTokens(1 << 14)}, Lists: l, Journal: j,
		Out:   agent.Output{Indicator: &board.Indicator, Buzzer: &board.Buzzer, Display: &board.Display},
		Clock: agenttest.NewClock(time.Now()), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	raw := rawTapFloor(b, l, filepath.Join(dir, "raw.db"))
	lat := make(latencies, 0, b.N)
	for b.Loop() {
		start := time.Now()
		if res := dev.Tap(context.Background(), nil, "front", ""); res.Seq == 0 {
			b.Fatalf("tap not journaled: %+v", res.Decision)
		}
		lat = append(lat, time.Since(start))
		board.Indicator.Colors, board.Buzzer.Tones, board.Display.Screens = nil, nil, nil
	}
	lat.report(b, "")
	raw.report(b, "raw-")
	b.ReportMetric(float64(lat.pct(.99))/float64(raw.pct(.99)), "x-raw-p99")
}

// rawTapFloor: a raw Get on the list file plus a raw one-key Update on the
// journal's medium, per tap.
func rawTapFloor(b *testing.B, l *offline.Lists, path string) latencies {
	gets := rawGets(l, lookupTokens(500))
	ups := rawUpdates(b, path, 500)
	out := make(latencies, len(ups))
	for i := range ups {
		out[i] = ups[i] + gets[i]
	}
	return out
}

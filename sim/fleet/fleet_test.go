package fleet_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/sim/fleet"
)

// TestFleetExactlyOnce runs fleets with outages against central's pieces
// in-process (embedded broker, SQLite, ingest): every journaled tap is
// stored exactly once, every backlog ends at 0.
func TestFleetExactlyOnce(t *testing.T) {
	tests := []struct {
		name    string
		journal string
		devices int
		backlog int
	}{
		{"memory journals", fleet.JournalMemory, 200, 20},
		{"bbolt journals", fleet.JournalBbolt, 12, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := embedded(t, nil)
			f, err := fleet.New(fleet.Options{Devices: tt.devices, Dial: c.dial, Journal: tt.journal, Dir: t.TempDir(),
				Backlog: tt.backlog, Rate: 20, Jitter: 0.5, Duration: 3 * time.Second, Stagger: 500 * time.Millisecond,
				OutageEvery: 600 * time.Millisecond, OutageFor: 400 * time.Millisecond, OutageShare: 0.3,
				DrainTimeout: time.Minute, Seed: 7, Log: quiet})
			if err != nil {
				t.Fatal(err)
			}
			s, err := f.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			t.Log(s)
			if !s.Drained || s.Backlog != 0 || s.Acked != s.Journaled || s.Outages == 0 || s.MaxBacklog == 0 {
				t.Errorf("summary %v: want drained, backlog 0, all acked, outages, a backlog built up", s)
			}
			storedOnce(t, c, f)
		})
	}
}

// storedOnce checks that each device's taps are in the store exactly as
// it journaled them, and its journal is empty.
func storedOnce(t *testing.T, c *central, f *fleet.Fleet) {
	t.Helper()
	for _, d := range f.Devices() {
		n, err := c.st.CountTaps(context.Background(), store.TapQuery{Device: d.ID})
		if err != nil {
			t.Fatal(err)
		}
		// (device, seq) is unique in the store and seqs run 1..journaled:
		// as many rows as taps journaled means each stored once.
		if n != d.Journaled() || d.Backlog() != 0 || d.Acked() != d.Journaled() || d.Journaled() == 0 {
			t.Errorf("%s: %d stored, %d journaled, %d acked, backlog %d", d.ID, n, d.Journaled(), d.Acked(), d.Backlog())
		}
	}
}

// TestFleetInterrupted: ending the context stops a fleet early, and the
// summary says so.
func TestFleetInterrupted(t *testing.T) {
	c := embedded(t, nil)
	f, err := fleet.New(fleet.Options{Devices: 5, Dial: c.dial, Rate: 10, Duration: time.Hour, Log: quiet})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(500*time.Millisecond, cancel)
	s, err := f.Run(ctx)
	if err != nil || !s.Interrupted {
		t.Fatalf("run: %v, summary %v; want interrupted", err, s)
	}
}

func TestOptionsRefused(t *testing.T) {
	dial := fleet.DialMQTT("tcp://127.0.0.1:1", nil, 0) // never dialled: New refuses first
	tests := []struct {
		name string
		o    fleet.Options
	}{
		{"no devices", fleet.Options{Dial: dial}},
		{"no dialer", fleet.Options{Devices: 1}},
		{"tapping without end", fleet.Options{Devices: 1, Dial: dial, Rate: 1}},
		{"outage without length", fleet.Options{Devices: 1, Dial: dial, OutageEvery: time.Second}},
		{"unknown role", fleet.Options{Devices: 1, Dial: dial, Roles: []string{"ferry"}}},
		{"bbolt without a directory", fleet.Options{Devices: 1, Dial: dial, Journal: fleet.JournalBbolt}},
		{"unknown journal", fleet.Options{Devices: 1, Dial: dial, Journal: "sqlite", Dir: t.TempDir()}},
		{"id too long", fleet.Options{Devices: 1, Dial: dial, Prefix: strings.Repeat("a", 60)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := fleet.New(tt.o); !errors.Is(err, fleet.ErrOptions) {
				t.Errorf("New: %v, want ErrOptions", err)
			}
		})
	}
}

package fleet_test

import (
	"errors"
	"slices"
	"testing"

	"karta/offline"
	"karta/sim/fleet"
)

func seqs(taps []offline.Tap) []uint64 {
	var out []uint64
	for _, t := range taps {
		out = append(out, t.Seq)
	}
	return out
}

func filled(t *testing.T, n, max int) *fleet.Memory {
	t.Helper()
	m := fleet.NewMemory(max)
	for range n {
		if err := m.Append(&offline.Tap{Role: "bus", Reason: "ok"}); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// TestMemory: acks in any order, repeated and overlapping, prune exactly
// what they cover; Range skips the holes they leave.
func TestMemory(t *testing.T) {
	type ack struct{ from, to uint64 }
	tests := []struct {
		name       string
		taps       int
		acks       []ack
		pruned     int // by all the acks
		rangeFrom  uint64
		rangeMax   int
		wantRange  []uint64
		wantBacklg int
	}{
		{"nothing acked", 5, nil, 0, 1, 10, []uint64{1, 2, 3, 4, 5}, 5},
		{"from the middle", 5, nil, 0, 3, 10, []uint64{3, 4, 5}, 5},
		{"max", 5, nil, 0, 1, 2, []uint64{1, 2}, 5},
		{"head acked", 5, []ack{{1, 2}}, 2, 1, 10, []uint64{3, 4, 5}, 3},
		{"a hole", 6, []ack{{3, 4}}, 2, 1, 10, []uint64{1, 2, 5, 6}, 4},
		{"repeated and overlapping", 6, []ack{{2, 4}, {2, 4}, {3, 5}}, 4, 1, 10, []uint64{1, 6}, 2},
		{"out of order", 6, []ack{{5, 6}, {1, 2}, {3, 4}}, 6, 1, 10, nil, 0},
		{"past the end", 3, []ack{{2, 99}}, 2, 1, 10, []uint64{1}, 1},
		{"compacted", 3000, []ack{{1, 2000}}, 2000, 1, 2, []uint64{2001, 2002}, 1000},
		{"compacted, then a late ack", 3000, []ack{{1, 2000}, {1, 2500}}, 2500, 2400, 3, []uint64{2501, 2502, 2503}, 500},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := filled(t, tt.taps, 0)
			pruned := 0
			for _, a := range tt.acks {
				n, err := m.Ack(a.from, a.to)
				if err != nil {
					t.Fatal(err)
				}
				pruned += n
			}
			got, err := m.Range(tt.rangeFrom, tt.rangeMax)
			if err != nil {
				t.Fatal(err)
			}
			if pruned != tt.pruned || !slices.Equal(seqs(got), tt.wantRange) || m.Backlog() != tt.wantBacklg {
				t.Errorf("pruned %d, range %v, backlog %d; want %d, %v, %d",
					pruned, seqs(got), m.Backlog(), tt.pruned, tt.wantRange, tt.wantBacklg)
			}
		})
	}
}

// TestMemoryFull: a full journal refuses without using a seq; an ack makes
// room.
func TestMemoryFull(t *testing.T) {
	m := filled(t, 3, 3)
	tap := &offline.Tap{Role: "bus", Reason: "ok"}
	if err := m.Append(tap); !errors.Is(err, offline.ErrJournalFull) || tap.Seq != 0 {
		t.Fatalf("append to a full journal: %v, seq %d; want ErrJournalFull and no seq", err, tap.Seq)
	}
	if _, err := m.Ack(1, 1); err != nil {
		t.Fatal(err)
	}
	if err := m.Append(tap); err != nil || tap.Seq != 4 {
		t.Fatalf("append after an ack: %v, seq %d; want seq 4", err, tap.Seq)
	}
}

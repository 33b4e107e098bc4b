package sync

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"karta/offline"
	"karta/offline/bundle"
)

// fake manifests for plan: "s5" is a snapshot of v5, "d3-5" a delta from
// v3 to v5, "x..." one that fails verification.
func fakeOffer(names ...string) ListOffer {
	o := ListOffer{V: V, List: "bus-fleet"}
	for _, n := range names {
		o.Manifests = append(o.Manifests, []byte(n))
	}
	return o
}

func fakeVerify(b []byte) (*bundle.Manifest, error) {
	s := string(b)
	m := &bundle.Manifest{List: "bus-fleet", Issued: time.Unix(0, 0), Expires: time.Unix(1, 0)}
	switch {
	case strings.HasPrefix(s, "x"):
		return nil, bundle.ErrBadSignature
	case strings.HasPrefix(s, "s"):
		fmt.Sscanf(s, "s%d", &m.Version)
	default:
		fmt.Sscanf(s, "d%d-%d", &m.Base, &m.Version)
	}
	return m, nil
}

func TestPlan(t *testing.T) {
	tests := []struct {
		name      string
		installed uint64
		offer     []string
		want      string // the steps, or the error's sentinel
		refused   int
	}{
		{"nothing installed: the snapshot", 0, []string{"s5", "d4-5"}, "s5", 0},
		{"the latest installed", 5, []string{"s5", "d4-5"}, "", 0},
		{"one delta", 4, []string{"s5", "d4-5"}, "d4-5", 0},
		{"a chain of deltas", 2, []string{"s5", "d4-5", "d2-3", "d3-4"}, "d2-3 d3-4 d4-5", 0},
		{"the shortest chain", 2, []string{"s5", "d2-3", "d3-4", "d4-5", "d2-4"}, "d2-4 d4-5", 0},
		{"a chain with a gap: the snapshot", 1, []string{"s5", "d1-2", "d3-4", "d4-5"}, "s5", 0},
		{"a delta over several versions", 3, []string{"s5", "d3-5", "d3-4", "d4-5"}, "d3-5", 0},
		{"an older snapshot and deltas", 0, []string{"s3", "d3-4", "d4-5"}, "s3 d3-4 d4-5", 0},
		{"the newest snapshot that leads there", 1, []string{"s3", "s4", "d3-4", "d4-5"}, "s4 d4-5", 0},
		{"a bad manifest is skipped", 4, []string{"xd4-5", "s5"}, "s5", 1},
		{"no way there", 2, []string{"d3-5"}, "no way", 0},
		{"rollback", 7, []string{"s5", "d4-5"}, "not newer", 0},
		{"every manifest bad", 0, []string{"xs5", "xd4-5"}, "no way", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			steps, refused, err := plan(fakeOffer(tt.offer...), tt.installed, fakeVerify)
			var got []string
			for _, s := range steps {
				got = append(got, string(s.signed))
			}
			if err != nil {
				got = []string{err.Error()}
			}
			if s := strings.Join(got, " "); !strings.Contains(s, tt.want) || tt.want == "" && s != "" || len(refused) != tt.refused {
				t.Errorf("plan = %q with %d refused; want %q with %d", s, len(refused), tt.want, tt.refused)
			}
		})
	}
}

func TestPlanErrors(t *testing.T) {
	_, _, err := plan(fakeOffer("s5"), 7, fakeVerify)
	if !errors.Is(err, offline.ErrRollback) {
		t.Errorf("rollback: %v", err)
	}
	_, _, err = plan(fakeOffer("d3-5"), 2, fakeVerify)
	if !errors.Is(err, ErrNoRoute) {
		t.Errorf("no route: %v", err)
	}
}

func TestParseChunkTopic(t *testing.T) {
	list, v, base, i, err := parseChunkTopic(ChunkTopic("bus-fleet", 42, 41, 7))
	if err != nil || list != "bus-fleet" || v != 42 || base != 41 || i != 7 {
		t.Errorf("parse = %s %d %d %d %v", list, v, base, i, err)
	}
	for _, topic := range []string{
		"karta/v1/lists/bus-fleet/manifest", "karta/v1/lists/bus-fleet/1/0/x", "karta/v1/lists/bus-fleet/01/0/1",
		"karta/v1/lists//1/0/1", "karta/v1/lists/bus-fleet/1/0/1/2", "karta/v1/dev/a/1/0/1", "karta/v1/lists/a/1/0/-1",
	} {
		if _, _, _, _, err := parseChunkTopic(topic); !errors.Is(err, ErrPayload) {
			t.Errorf("%s: %v", topic, err)
		}
	}
}

func FuzzParseChunkTopic(f *testing.F) {
	f.Add(ChunkTopic("bus-fleet", 3, 2, 0))
	f.Add("karta/v1/lists/x/18446744073709551615/0/2147483647")
	f.Fuzz(func(t *testing.T, topic string) {
		list, v, base, i, err := parseChunkTopic(topic)
		if err == nil && ChunkTopic(list, v, base, i) != topic {
			t.Fatalf("%q parsed as %s %d %d %d", topic, list, v, base, i)
		}
	})
}

// FuzzPlan: whatever the offer, a plan starts from the installed version
// or a snapshot, each step applies onto the one before, and it ends at
// the latest version offered.
func FuzzPlan(f *testing.F) {
	f.Add(uint8(2), "s5 d4-5 d2-3 d3-4")
	f.Add(uint8(0), "s3 d3-4 d4-5 xs9")
	f.Fuzz(func(t *testing.T, installed uint8, offer string) {
		names := strings.Fields(offer)
		if len(names) == 0 || len(names) > MaxOffered {
			return
		}
		steps, _, err := plan(fakeOffer(names...), uint64(installed), fakeVerify)
		if err != nil || len(steps) == 0 {
			return
		}
		at := uint64(installed)
		for _, s := range steps {
			if !s.m.Snapshot() && s.m.Base != at || s.m.Version <= at {
				t.Fatalf("%s after v%d in %v", s.m.Name(), at, names)
			}
			at = s.m.Version
		}
	})
}

package offline_test

import (
	"path/filepath"
	"runtime"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"karta/agent"
	"karta/offline"
	"karta/readers/emv"
)

// BenchmarkDecision measures what a tap costs between identity and journal:
// list lookup, entry decode and the rules, on the 2,000,000-entry list,
// beside a raw bbolt Get of the same keys on the same file (budget: within
// 1.5×).
func BenchmarkDecision(b *testing.B) {
	l := bigLists(b)
	engine, err := agent.Rules{Role: agent.RoleBus, Lists: []string{"bus-fleet"}, Bus: agent.BusRules{FullFare: 4200}}.Compile()
	if err != nil {
		b.Fatal(err)
	}
	tokens := lookupTokens(1 << 16)
	raw := rawGets(l, tokens)
	state, _ := l.State("bus-fleet")
	now := time.Now()
	lat := make(latencies, 0, b.N)
	i := 0
	for b.Loop() {
		tok := tokens[i%len(tokens)]
		i++
		start := time.Now()
		e, err := l.Get("bus-fleet", tok)
		if err != nil {
			b.Fatal(err)
		}
		engine.Decide(agent.Input{Now: now, ClockSynced: true, Identity: &emv.Identity{Scheme: emv.SchemeMir, Token: tok}, List: &state, Entry: e})
		lat = append(lat, time.Since(start))
	}
	lat.report(b, "")
	raw.report(b, "raw-get-")
	b.ReportMetric(float64(lat.pct(.5))/float64(raw.pct(.5)), "x-raw-p50")
	b.ReportMetric(float64(lat.pct(.99))/float64(raw.pct(.99)), "x-raw-p99")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MiB")
}

// rawGets times plain bbolt Gets of the same tokens on the same file.
func rawGets(l *offline.Lists, tokens []string) latencies {
	lat := make(latencies, 0, 4*len(tokens))
	for round := 0; round < 4; round++ {
		for _, tok := range tokens {
			start := time.Now()
			offline.RawGet(l, "bus-fleet", tok)
			lat = append(lat, time.Since(start))
		}
	}
	return lat
}

// BenchmarkJournalAppend measures journaling one tap with its counters,
// fsync included, beside a raw one-key bbolt Update on the same disk.
func BenchmarkJournalAppend(b *testing.B) {
	dir := b.TempDir()
	j, err := offline.OpenJournal(filepath.Join(dir, "journal.db"), offline.JournalOptions{MaxTaps: 1 << 30})
	if err != nil {
		b.Fatal(err)
	}
	defer j.Close()
	raw := rawUpdates(b, filepath.Join(dir, "raw.db"), 500)
	lat := make(latencies, 0, b.N)
	now := time.Now()
	for b.Loop() {
		tap := &offline.Tap{Time: now, Clock: "synced", Role: "bus", Token: "k1.T0000000000000000042", Allowed: true, Reason: "ok", Product: "bus:free", List: "bus-fleet", ListVersion: 7}
		c := offline.Counters{LastTap: now, RideMonth: 202611, Rides: 3}
		start := time.Now()
		if _, err := j.Append(tap, tap.Token, &c); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	lat.report(b, "")
	raw.report(b, "raw-update-")
	b.ReportMetric(float64(lat.pct(.5))/float64(raw.pct(.5)), "x-raw-p50")
	b.ReportMetric(float64(lat.pct(.99))/float64(raw.pct(.99)), "x-raw-p99")
}

func rawUpdates(b *testing.B, path string, n int) latencies {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	lat := make(latencies, 0, n)
	val := make([]byte, 200)
	for i := 0; i < n; i++ {
		start := time.Now()
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("raw"))
			if err != nil {
				return err
			}
			return bk.Put([]byte{byte(i >> 8), byte(i)}, val)
		})
		if err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(start))
	}
	return lat
}

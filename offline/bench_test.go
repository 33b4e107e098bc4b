package offline_test

import (
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"karta/offline"
	"karta/offline/offlinetest"
)

// The budgets (shared/ARCHITECTURE.md) are for a 2,000,000-entry list.
const bigN = 2_000_000

// genOps yields n snapshot puts in token order without holding them all.
type genOps struct{ i, n int }

func (g *genOps) Next() (offline.Op, error) {
	if g.i == g.n {
		return offline.Op{}, io.EOF
	}
	g.i++
	e := offlinetest.Entry(g.i, uint8(g.i%3*50))
	e.Bus.MonthlyLimit = 60
	return offline.Op{Token: e.Token, Entry: e}, nil
}

// big is one 2M-entry lists.db shared by the benchmarks of a run.
var big struct {
	once    sync.Once
	dir     string
	lists   *offline.Lists
	install time.Duration
	size    int64
	err     error
}

func bigLists(b *testing.B) *offline.Lists {
	big.once.Do(func() {
		big.dir, big.err = os.MkdirTemp("", "karta-bench-")
		if big.err != nil {
			return
		}
		path := filepath.Join(big.dir, "lists.db")
		big.lists, big.err = offline.OpenLists(path, offline.ListsOptions{})
		if big.err != nil {
			return
		}
		start := time.Now()
		big.err = big.lists.Install(bigVersion(1, 0, bigN), &genOps{n: bigN}, nil)
		big.install = time.Since(start)
		if st, err := os.Stat(path); err == nil {
			big.size = st.Size()
		}
	})
	if big.err != nil {
		b.Fatal(big.err)
	}
	return big.lists
}

func bigVersion(v, base uint64, ops int) offline.ListVersion {
	now := time.Now()
	return offline.ListVersion{List: "bus-fleet", Version: v, Base: base, Issued: now, Expires: now.Add(720 * time.Hour), Ops: ops}
}

func TestMain(m *testing.M) {
	code := m.Run()
	if big.lists != nil {
		big.lists.Close()
	}
	if big.dir != "" {
		os.RemoveAll(big.dir)
	}
	os.Exit(code)
}

// latencies collects per-op times to report percentiles.
type latencies []time.Duration

func (l latencies) pct(p float64) time.Duration {
	if len(l) == 0 {
		return 0
	}
	s := slices.Clone(l)
	slices.Sort(s)
	return s[min(len(s)-1, int(float64(len(s))*p))]
}

func (l latencies) report(b *testing.B, prefix string) {
	b.ReportMetric(float64(l.pct(0.50).Nanoseconds()), prefix+"p50-ns")
	b.ReportMetric(float64(l.pct(0.99).Nanoseconds()), prefix+"p99-ns")
}

// lookupTokens are the tokens a benchmark asks for: 90 % on the list.
func lookupTokens(n int) []string {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]string, n)
	for i := range out {
		k := r.IntN(bigN) + 1
		if r.IntN(10) == 0 {
			k += bigN // not on the list
		}
		out[i] = offlinetest.Token(k)
	}
	return out
}

// BenchmarkSnapshotInstall reports the 2,000,000-entry snapshot install
// (budget ≤ 15 s) beside a raw bbolt load of the same keys and values.
func BenchmarkSnapshotInstall(b *testing.B) {
	bigLists(b)
	raw := rawLoad(b, bigN)
	for b.Loop() { // the install ran once, in bigLists; b.Loop resets metrics, so report after it
	}
	b.ReportMetric(big.install.Seconds(), "install-s")
	b.ReportMetric(raw.Seconds(), "raw-bbolt-s")
	b.ReportMetric(big.install.Seconds()/raw.Seconds(), "x-raw")
	b.ReportMetric(float64(big.size)/(1<<20), "file-MiB")
}

// rawLoad writes n entries straight into a fresh bbolt file, in the same
// batches, as the floor for an install.
func rawLoad(b *testing.B, n int) time.Duration {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "raw.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	g := &genOps{n: n}
	start := time.Now()
	for done := false; !done; {
		err := db.Update(func(tx *bolt.Tx) error {
			bk, err := tx.CreateBucketIfNotExists([]byte("raw"))
			if err != nil {
				return err
			}
			bk.FillPercent = 0.95
			for i := 0; i < 100_000; i++ {
				op, err := g.Next()
				if err == io.EOF {
					done = true
					return nil
				}
				if err := bk.Put([]byte(op.Token), offline.AppendEntry(nil, op.Entry)); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}

// BenchmarkDelta applies 10,000-change deltas onto the 2M list (budget
// ≤ 1 s each) beside a raw bbolt transaction of 10,000 puts.
func BenchmarkDelta(b *testing.B) {
	l := bigLists(b)
	const n = 10_000
	var took, raw latencies
	for b.Loop() {
		s, _ := l.State("bus-fleet")
		src := deltaOps(int(s.Version), n)
		start := time.Now()
		if err := l.Install(bigVersion(s.Version+1, s.Version, n), src, nil); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(start))
	}
	raw = append(raw, rawDelta(b, n))
	b.ReportMetric(took.pct(0.5).Seconds(), "delta-s")
	b.ReportMetric(raw.pct(0.5).Seconds(), "raw-bbolt-s")
	b.ReportMetric(took.pct(0.5).Seconds()/raw.pct(0.5).Seconds(), "x-raw")
}

func deltaOps(round, n int) *offlinetest.Ops {
	ops := make([]offline.Op, n)
	for i := range ops {
		k := (round*7919+i*197)%bigN + 1
		if i%4 == 0 {
			ops[i] = offline.Op{Token: offlinetest.Token(k)} // a quarter removed
			continue
		}
		ops[i] = offline.Op{Token: offlinetest.Token(k), Entry: offlinetest.Entry(k, uint8(round%2*50))}
	}
	return offlinetest.Changes(ops...)
}

func rawDelta(b *testing.B, n int) time.Duration {
	db, err := bolt.Open(filepath.Join(b.TempDir(), "rawdelta.db"), 0o600, nil)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Now()
	err = db.Update(func(tx *bolt.Tx) error {
		bk, _ := tx.CreateBucketIfNotExists([]byte("raw"))
		for i := 0; i < n; i++ {
			if err := bk.Put(fmt.Appendf(nil, "k1.T%019d", i*197), []byte{1, 0, 0, 0, 0}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return time.Since(start)
}

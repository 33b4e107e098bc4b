// Package offlinetest helps tests of the device stores: stores opened in a
// test's temporary directory that check their own integrity at cleanup (as
// bbolt's btesting does), and op sources from plain slices.
package offlinetest

import (
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"karta/offline"
)

// Lists opens a lists.db in t.TempDir() with the given clock (nil: real
// time), and checks and closes it when the test ends.
func Lists(t testing.TB, now func() time.Time) *offline.Lists {
	t.Helper()
	l, err := offline.OpenLists(filepath.Join(t.TempDir(), "lists.db"), offline.ListsOptions{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := l.Check(); err != nil {
			t.Errorf("lists.db integrity at cleanup: %v", err)
		}
		l.Close()
	})
	return l
}

// Ops is an OpSource over a slice.
type Ops struct {
	ops []offline.Op
	// FailAt makes Next fail with Err once this many ops were handed out
	// (0: never), to test that a failing source leaves the list untouched.
	FailAt int
	Err    error
	given  int
}

// Puts returns a source of puts in token order, as snapshots come.
func Puts(entries ...*offline.Entry) *Ops {
	s := &Ops{}
	for _, e := range entries {
		s.ops = append(s.ops, offline.Op{Token: e.Token, Entry: e})
	}
	sort.Slice(s.ops, func(i, j int) bool { return s.ops[i].Token < s.ops[j].Token })
	return s
}

// Changes returns a source of the given ops, in that order.
func Changes(ops ...offline.Op) *Ops { return &Ops{ops: ops} }

// Len is the number of ops.
func (s *Ops) Len() int { return len(s.ops) }

// Next implements offline.OpSource.
func (s *Ops) Next() (offline.Op, error) {
	if s.FailAt > 0 && s.given == s.FailAt {
		return offline.Op{}, s.Err
	}
	if s.given == len(s.ops) {
		return offline.Op{}, io.EOF
	}
	s.given++
	return s.ops[s.given-1], nil
}

// Entry makes a bus entry for a numbered test token.
func Entry(i int, discount uint8) *offline.Entry {
	return &offline.Entry{Token: Token(i), Category: "pensioner", Bus: &offline.BusRight{Discount: discount}}
}

// Token is a well-formed test token for i.
func Token(i int) string { return fmt.Sprintf("k1.T%019d", i) }

var _ offline.OpSource = (*Ops)(nil)

// Journal opens a journal.db in t.TempDir() and checks and closes it when
// the test ends.
func Journal(t testing.TB, opts offline.JournalOptions) *offline.Journal {
	t.Helper()
	j, err := offline.OpenJournal(filepath.Join(t.TempDir(), "journal.db"), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := j.Check(); err != nil {
			t.Errorf("journal.db integrity at cleanup: %v", err)
		}
		j.Close()
	})
	return j
}

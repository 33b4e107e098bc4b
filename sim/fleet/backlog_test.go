package fleet_test

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"karta/offline"
	"karta/sim/fleet"
)

// backlogs holds journal.db files with a backlog, built once per test
// binary on tmpfs (where bbolt's fsync is cheap) and copied for each
// device: journaling 100,000 taps one fsync at a time on disk would take
// most of a minute.
var backlogs struct {
	mu    sync.Mutex
	dir   string
	files map[int]string
}

func TestMain(m *testing.M) {
	code := m.Run()
	if backlogs.dir != "" {
		os.RemoveAll(backlogs.dir)
	}
	os.Exit(code)
}

// backlogFile is a closed journal.db holding n unacked taps of a bus.
func backlogFile(tb testing.TB, n int) string {
	tb.Helper()
	backlogs.mu.Lock()
	defer backlogs.mu.Unlock()
	if p, ok := backlogs.files[n]; ok {
		return p
	}
	if backlogs.dir == "" {
		dir, err := os.MkdirTemp(shm(), "karta-fleet-bench-")
		if err != nil {
			tb.Fatal(err)
		}
		backlogs.dir, backlogs.files = dir, map[int]string{}
	}
	p := filepath.Join(backlogs.dir, fmt.Sprintf("journal-%d.db", n))
	if err := fillJournal(p, n); err != nil {
		tb.Fatal(err)
	}
	backlogs.files[n] = p
	return p
}

func shm() string {
	if st, err := os.Stat("/dev/shm"); err == nil && st.IsDir() {
		return "/dev/shm"
	}
	return os.TempDir()
}

// fillJournal journals n of the fleet's bus taps into a new journal.db.
func fillJournal(path string, n int) error {
	f, err := fleet.New(fleet.Options{Devices: 1, Backlog: n, Roles: []string{fleet.RoleBus}, Dial: fleet.DialMQTT("tcp://127.0.0.1:1", nil, 0)})
	if err != nil {
		return err
	}
	taps, err := f.Devices()[0].Range(1, n)
	if err != nil {
		return err
	}
	j, err := offline.OpenJournal(path, offline.JournalOptions{MaxTaps: n})
	if err != nil {
		return err
	}
	for i := range taps {
		taps[i].Time = time.Now()
		if _, err := j.Append(&taps[i], "", nil); err != nil {
			j.Close()
			return err
		}
	}
	return j.Close()
}

// withBacklogs gives the fleet o will make bbolt journals in a fresh
// directory, each a copy of one holding backlog taps.
func withBacklogs(b *testing.B, o *fleet.Options, backlog int) {
	b.Helper()
	src := backlogFile(b, backlog)
	o.Journal, o.Dir, o.Backlog, o.MaxTaps = fleet.JournalBbolt, b.TempDir(), 0, backlog
	for i := range o.Devices {
		dir := filepath.Join(o.Dir, fleet.ID(o.Prefix, fleet.RoleBus, i+1))
		if err := os.MkdirAll(dir, 0o750); err != nil {
			b.Fatal(err)
		}
		if err := copyFile(src, filepath.Join(dir, "journal.db")); err != nil {
			b.Fatal(err)
		}
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

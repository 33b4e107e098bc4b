package offline_test

import (
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"

	"karta/offline"
	"karta/offline/offlinetest"
)

// smallDisk mounts a tmpfs of size bytes for the test: a real file system
// that really fills up. It needs root (CI has it); elsewhere it skips.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("mount a %s tmpfs for the full-disk test: %v (CI runs as root)", size, err)
		}
		t.Skipf("cannot mount a tmpfs here (%v): the full-disk test needs root", err)
	}
	t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}

// TestJournalDiskFull fills a real file system under the journal: the tap
// that does not fit is refused with ErrStorage, every tap before it stays,
// no seq is reused once space comes back, and the store passes its check.
func TestJournalDiskFull(t *testing.T) {
	dir := smallDisk(t, "512k")
	ballast := filepath.Join(dir, "ballast")
	if err := os.WriteFile(ballast, make([]byte, 128<<10), 0o600); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "journal.db")
	j, err := offline.OpenJournal(path, offline.JournalOptions{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	stored := 0
	for ; stored < 100_000; stored++ {
		if _, err = j.Append(tap("k1.full"), "k1.full", &offline.Counters{LastTap: t0}); err != nil {
			break
		}
	}
	if !errors.Is(err, offline.ErrStorage) || stored == 0 {
		t.Fatalf("after %d taps: %v; want ErrStorage once the disk is full", stored, err)
	}
	t.Logf("disk full after %d taps: %v", stored, err)
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	seq, err := j.Append(tap("k1.full"), "k1.full", nil)
	if err != nil || seq != uint64(stored+1) {
		t.Fatalf("with space back: seq %d, %v; want %d", seq, err, stored+1)
	}
	j.Close()
	j, err = offline.OpenJournal(path, offline.JournalOptions{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	taps, err := j.Range(0, 1<<20)
	if err != nil || len(taps) != stored+1 || j.Check() != nil {
		t.Errorf("after reopen: %d taps (%v), check %v; want %d", len(taps), err, j.Check(), stored+1)
	}
}

// TestListInstallDiskFull: a snapshot that does not fit is refused and the
// installed version keeps answering.
func TestListInstallDiskFull(t *testing.T) {
	dir := smallDisk(t, "1m")
	l, err := offline.OpenLists(filepath.Join(dir, "lists.db"), offline.ListsOptions{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	snapshot(t, l, 1, offlinetest.Entry(1, 100))
	var big []*offline.Entry
	for i := 0; i < 100_000; i++ {
		big = append(big, offlinetest.Entry(i, 50))
	}
	src := offlinetest.Puts(big...)
	err = l.Install(version("bus-fleet", 2, 0, src.Len()), src, nil)
	if !errors.Is(err, offline.ErrStorage) {
		t.Fatalf("Install on a full disk = %v, want ErrStorage", err)
	}
	if s, _ := l.State("bus-fleet"); s.Version != 1 || discount(t, l, 1) != 100 || l.Check() != nil {
		t.Errorf("installed list after the failed install: %+v, check %v", s, l.Check())
	}
}

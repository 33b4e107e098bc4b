package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzOpenDeviceDir: whatever provision.json holds, a directory is
// resumed only for an unfinished record of the same id, and anything else
// is refused with a message naming the directory.
func FuzzOpenDeviceDir(f *testing.F) {
	for _, s := range []string{`{"id":"bus-1","role":"bus","started":"2026-12-01T10:00:00Z"}`,
		`{"id":"bus-1","finished":"2026-12-01T10:05:00Z"}`, `{"id":"bus-2"}`, `{}`, `null`, `[`, `{"id":"bus-1","finished":"x"}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, record string) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, recordFile), []byte(record), 0o600); err != nil {
			t.Fatal(err)
		}
		d, err := openDeviceDir(dir, "bus-1")
		if err != nil {
			if !strings.Contains(err.Error(), dir) {
				t.Fatalf("%q: %v does not name the directory", record, err)
			}
			return
		}
		r, rerr := readRecord(dir)
		if !d.resumed || rerr != nil || r.ID != "bus-1" || !r.Finished.IsZero() {
			t.Fatalf("%q: resumed %v with record %+v, %v", record, d.resumed, r, rerr)
		}
	})
}

func TestCleanUpKeepsJournal(t *testing.T) {
	dir := t.TempDir()
	d := deviceDir{path: dir}
	must(t, os.MkdirAll(d.dataDir(), 0o750))
	must(t, os.WriteFile(d.journalPath(), []byte("taps"), 0o640))
	msg, err := d.cleanUp()
	if err != nil || !strings.Contains(msg, "is kept") {
		t.Errorf("%q, %v", msg, err)
	}
	if _, err := os.Stat(d.journalPath()); err != nil {
		t.Error("the journal was removed")
	}
	must(t, os.Remove(d.journalPath()))
	if msg, err := d.cleanUp(); err != nil || !strings.Contains(msg, "emptied") {
		t.Errorf("%q, %v", msg, err)
	}
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Errorf("left: %v", es)
	}
}

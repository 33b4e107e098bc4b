package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/offline"
)

// oldStorage makes a broken device's storage: a config (or a garbled
// one) and a journal with taps unsynced of which acked are acked.
func oldStorage(t *testing.T, config string, taps, acked int) string {
	t.Helper()
	dir := t.TempDir()
	must(t, os.MkdirAll(filepath.Join(dir, "data"), 0o750))
	must(t, os.WriteFile(filepath.Join(dir, "agent.toml"), []byte(config), 0o640))
	j, err := offline.OpenJournal(filepath.Join(dir, "data", "journal.db"), offline.JournalOptions{})
	must(t, err)
	for range taps {
		if _, err := j.Append(&offline.Tap{Role: "bus", Token: "t1.AAAA", Reason: "ok"}, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	if acked > 0 {
		_, err := j.Ack(1, uint64(acked))
		must(t, err)
	}
	must(t, j.Close())
	return dir
}

const oldConfig = `device_id = "bus-0009"
data_dir = "data"
token_key = "token.key"
list_keys = ["k1.pub"]
[[readers]]
name = "front"
driver = "pcsc"
[rules]
role = "bus"
lists = ["bus-fleet"]
[rules.bus]
full_fare = 4200
`

func TestOldDevice(t *testing.T) {
	tests := []struct {
		name          string
		config        string
		taps, acked   int
		flagID        string
		wantID, want  string // want: an error's text
		wantReplace   bool
		wantDescribed string
	}{
		{"keeps the id", oldConfig, 5, 2, "", "bus-0009", "", true, "3 unsynced taps, next seq 6, after boot 1"},
		{"the same id given", oldConfig, 5, 2, "bus-0009", "bus-0009", "", true, "3 unsynced taps"},
		{"a new id with unsynced taps", oldConfig, 5, 2, "bus-0010", "", "bus-0009 has 3 unsynced taps: its replacement keeps its id", false, ""},
		{"a new id, all synced", oldConfig, 5, 5, "bus-0010", "bus-0010", "", false, "0 unsynced taps"},
		{"config garbled, id from the label", "device_id = ", 4, 0, "bus-0009", "bus-0009", "", true, "4 unsynced taps, next seq 5"},
		{"config the agent refuses, its id read", "device_id = \"bus-0009\"\nold_key = 1\n", 2, 0, "", "bus-0009", "", true, "2 unsynced taps"},
		{"config garbled, no id", "device_id = ", 4, 0, "", "", "the old device's config does not read", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := readOldDevice(oldStorage(t, tt.config, tt.taps, tt.acked))
			must(t, err)
			id, err := o.resolveID(tt.flagID)
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) {
					t.Errorf("%q, %v; want an error with %q", id, err, tt.want)
				}
				return
			}
			if err != nil || id != tt.wantID {
				t.Fatalf("%q, %v; want %s", id, err, tt.wantID)
			}
			if replace := o.id == "" || o.id == id; replace != tt.wantReplace {
				t.Errorf("replace %v", replace)
			}
			if !strings.Contains(o.describe(), tt.wantDescribed) {
				t.Errorf("%q, want %q", o.describe(), tt.wantDescribed)
			}
			copied := filepath.Join(t.TempDir(), "journal.db")
			must(t, o.copyJournal(copied))
			must(t, o.checkCopy(copied))
		})
	}
}

func TestOldDeviceJournalUnreadable(t *testing.T) {
	dir := oldStorage(t, oldConfig, 1, 0)
	must(t, os.WriteFile(filepath.Join(dir, "data", "journal.db"), []byte("not a bbolt file, not even close to one"), 0o640))
	if _, err := readOldDevice(dir); err == nil || !strings.Contains(err.Error(), "its unsynced taps cannot be carried over") {
		t.Errorf("%v", err)
	}
}

package sync

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"karta/internal/golden"
)

// TestRanCommands: the ids of the commands run are kept until they
// expire, in a file a restart reads (testdata/commands.json is its
// format); a file that does not parse is forgotten, not fatal.
func TestRanCommands(t *testing.T) {
	dir, log := t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil))
	t0 := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	r := loadRan(dir, log)
	cmd := func(id string, issued time.Time) Command {
		return Command{ID: id, Kind: CmdResync, Issued: issued, Expires: issued.Add(time.Hour)}
	}
	for _, c := range []Command{cmd("c1", t0), cmd("c2", t0.Add(30*time.Minute)), cmd("c3", t0.Add(2*time.Hour))} {
		if err := r.add(c, c.Issued); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "commands.json"))
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/commands.json", b)
	r = loadRan(dir, log)
	if r.has("c1") || r.has("c2") || !r.has("c3") {
		t.Errorf("after a restart: %v; want c3 only (c1 and c2 expired when c3 came)", r.ids)
	}
	os.WriteFile(filepath.Join(dir, "commands.json"), []byte("{garbage"), 0o600)
	if r := loadRan(dir, log); len(r.ids) != 0 {
		t.Errorf("a broken file gave %v", r.ids)
	}
}

package agent_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/agent"
	"karta/offline"
	"karta/readers"
	"karta/readers/emv"
	"karta/readers/readertest"
	"karta/readers/transcript"
)

// TestRecordMode records the sessions of every virtual card and of a real
// card with a cardholder name in track 1: no card number and no name reach
// a file, and each recorded transcript still reads as the same kind of card,
// under its test number.
func TestRecordMode(t *testing.T) {
	r := newRig(t, busRules(), offline.JournalOptions{})
	dir := t.TempDir()
	r.dev.Record = &agent.Recorder{Dir: dir, Now: r.clock.Now}
	reader := readertest.NewReader("front")
	var pans []string
	names := []string{"mir-debit", "mir-pay", "mastercard-records", "mir-maestro"}
	for _, n := range names {
		c := mustCard(t, n).Insert()
		reader.Present(takenBack{c, c.Remove})
		pans = append(pans, mustCard(t, n).Want.PAN)
	}
	real := filepath.Join("..", "..", "shared", "cards", "real", "binaryfoo_contactless-msd-in.txt")
	if tr, err := transcript.ParseFile(real); err == nil {
		c := transcript.NewCard(tr)
		reader.Present(takenBack{c, c.Remove})
		pans = append(pans, "5413330056003511")
		names = append(names, "binaryfoo_contactless-msd")
	} else if os.Getenv("CI") == "true" {
		t.Fatal(err)
	}
	serveAll(t, r, reader, len(names))
	files, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	if len(files) != len(names) {
		t.Fatalf("%d transcripts recorded, want %d", len(files), len(names))
	}
	for _, f := range files {
		checkRecorded(t, r, f, pans)
	}
}

// serveAll serves until the reader has handed out n cards.
func serveAll(t *testing.T, r *rig, reader *readertest.Reader, n int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- r.dev.Serve(ctx, reader, "") }()
	deadline := time.Now().Add(10 * time.Second)
	for r.journal.Stats().NextSeq <= uint64(n) {
		select {
		case err := <-done:
			t.Fatalf("Serve ended early: %v", err)
		case <-time.After(time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d taps after 10 s", r.journal.Stats().NextSeq-1, n)
		}
	}
	cancel()
	<-done
}

func checkRecorded(t *testing.T, r *rig, path string, pans []string) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if leaked := readertest.PANLeaks(b, pans); len(leaked) > 0 || strings.Contains(string(b), "435553542") { // "CUST" of the track 1 name
		t.Errorf("%s holds card numbers %v or a name:\n%s", filepath.Base(path), leaked, b)
	}
	tr, err := transcript.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	id, err := emv.NewReader(r.key, emv.Options{}).Read(context.Background(), transcript.NewCard(tr))
	masked := id.PANMasked
	// A test number: the issuer's six digits, zeros, a check digit.
	if err != nil || len(masked) < 12 || !strings.HasSuffix(masked[:len(masked)-1], "000") || id.Scheme == "" {
		t.Errorf("%s: replay = %+v, %v; want the card under its test number", filepath.Base(path), id, err)
	}
}

// takenBack is a card the person takes away once signalled.
type takenBack struct {
	readers.Card
	remove func()
}

func (c takenBack) WaitRemoved(ctx context.Context) error {
	c.remove()
	return c.Card.WaitRemoved(ctx)
}

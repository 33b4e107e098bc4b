package sim_test

import (
	"bytes"
	"context"
	"path/filepath"
	"testing"
	"time"

	"karta/internal/golden"
	"karta/readers/emv"
	"karta/readers/transcript"
	"karta/sim"
)

// fixedReader reads with a terminal whose date and unpredictable number
// never change, so that transcripts are stable golden files.
func fixedReader(t *testing.T) *emv.Reader {
	term := emv.DefaultTerminal()
	term.Now = func() time.Time { return time.Date(2026, 11, 21, 8, 30, 0, 0, time.UTC) }
	term.Rand = bytes.NewReader(bytes.Repeat([]byte{0x5E, 0xED}, 1024))
	return emv.NewReader(testKey(t), emv.Options{Terminal: &term})
}

// TestTranscripts writes each card's read as a transcript, compares it with
// testdata/cards/NAME.txt, and replays that file: the replayed card must read
// exactly as the virtual card does.
func TestTranscripts(t *testing.T) {
	for _, c := range sim.Cards() {
		t.Run(c.Name, func(t *testing.T) {
			var got bytes.Buffer
			if err := sim.WriteTranscript(context.Background(), &got, c, fixedReader(t)); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", "cards", c.Name+".txt")
			golden.Check(t, path, got.Bytes())
			replayGolden(t, c, path)
		})
	}
}

func replayGolden(t *testing.T, c *sim.Card, path string) {
	t.Helper()
	tr, err := transcript.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := c.Want
	if c.VanishAfter > 0 || c.ShortAnswer {
		// A transcript cannot leave the field, nor answer without a status
		// word: it ends where the card did, and the record is never given.
		want = sim.Want{Err: emv.ErrNoPAN}
	}
	key := testKey(t)
	id, err := emv.NewReader(key, emv.Options{}).Read(context.Background(), transcript.NewCard(tr))
	checkReading(t, key, want, id, err)
}

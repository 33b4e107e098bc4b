package emv_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"testing"

	"karta/offline/token"
	"karta/readers"
	"karta/readers/emv"
	"karta/readers/readertest"
	"karta/readers/transcript"
	"karta/sim"
)

// spy is a Tokenizer that remembers the card numbers it saw, so the test
// knows what must not appear anywhere. They stay in this test's memory.
type spy struct {
	key  *token.Key
	pans []string
}

func (s *spy) PANToken(p []byte) string { s.pans = append(s.pans, string(p)); return s.key.PANToken(p) }
func (s *spy) PARToken(p []byte) string { return s.key.PARToken(p) }

// TestNoPANInLogsOrResults reads every virtual card and every real
// transcript with debug logging on, and checks that neither the logs, nor
// the identities, nor the errors carry a card number.
func TestNoPANInLogsOrResults(t *testing.T) {
	var out bytes.Buffer
	s := &spy{key: testKey(t)}
	log := slog.New(slog.NewJSONHandler(&out, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r := emv.NewReader(s, emv.Options{Log: log})
	read := func(card readers.Card) {
		id, err := r.Read(context.Background(), card)
		fmt.Fprintf(&out, "%+v %#v %v\n", id, id, err)
	}
	for _, c := range sim.Cards() {
		s.pans = append(s.pans, c.Want.PAN)
		read(c.Insert())
	}
	for _, path := range realCardFiles(t) {
		tr, err := transcript.ParseFile(path)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(path), err)
		}
		read(transcript.NewCard(tr))
	}
	if len(s.pans) < 30 || !bytes.Contains(out.Bytes(), []byte(`"level":"DEBUG"`)) {
		t.Fatalf("the check saw %d numbers and debug logs=%v: it would prove nothing", len(s.pans), bytes.Contains(out.Bytes(), []byte("DEBUG")))
	}
	if leaked := readertest.PANLeaks(out.Bytes(), s.pans); len(leaked) > 0 {
		t.Errorf("card numbers in logs or results: %v", leaked)
	}
}

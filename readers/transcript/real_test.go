package transcript_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"karta/readers/transcript"
)

// realCards holds transcripts of real and issuer test cards, shared with the
// rest of the project; it lives outside the module.
var realCards = filepath.Join("..", "..", "..", "shared", "cards", "real")

// TestRealCards parses every real transcript, writes it back, and replays it
// in order: each command must get the response recorded for it.
func TestRealCards(t *testing.T) {
	entries, err := os.ReadDir(realCards)
	if errors.Is(err, os.ErrNotExist) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing; CI must provide the shared card transcripts", realCards)
		}
		t.Skipf("%s is missing: real card transcripts not available outside the project checkout", realCards)
	}
	if err != nil {
		t.Fatal(err)
	}
	for _, entry := range entries {
		if entry.IsDir() {
			continue
		}
		t.Run(entry.Name(), func(t *testing.T) {
			checkRealCard(t, filepath.Join(realCards, entry.Name()))
		})
	}
}

func checkRealCard(t *testing.T, path string) {
	tr, err := transcript.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(tr.Exchanges) == 0 {
		t.Fatal("no exchanges")
	}
	if again := mustParse(t, string(rewrite(t, tr))); !sameExchanges(again.Exchanges, tr.Exchanges) {
		t.Fatal("writing and parsing again changes the exchanges")
	}
	replayInOrder(t, tr)
}

// replayInOrder sends the recorded commands in their order; as every command
// matches its own exchange, each must get exactly its recorded response.
// Unanswered exchanges (a C: with no R:) are skipped: they never answer.
func replayInOrder(t *testing.T, tr *transcript.Transcript) {
	card := transcript.NewCard(tr)
	answered := 0
	for _, e := range tr.Exchanges {
		if !e.Answered() {
			continue
		}
		answered++
		cmd := e.Command
		if e.Any {
			cmd = []byte{0x00, 0xB2, 0x01, 0x0C, 0x00}
		}
		got, err := card.Transmit(t.Context(), cmd)
		if err != nil || string(got) != string(e.Response) {
			t.Fatalf("line %d: replay = %X, %v; want %X", e.Line, got, err, e.Response)
		}
	}
	if card.Used() != answered {
		t.Errorf("Used = %d; want %d", card.Used(), answered)
	}
}

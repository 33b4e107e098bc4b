package emv_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/readers/emv"
	"karta/readers/transcript"
)

// realCards holds transcripts of real and issuer test cards (see its
// README); it lives beside the project, in shared/.
var realCards = filepath.Join("..", "..", "..", "shared", "cards", "real")

// noPAN are the real transcripts that carry no card number: a GeldKarte
// purse, and two status-word fixtures whose GET RESPONSE uses INS 0C.
var noPAN = map[string]bool{
	"devnied_GeldKartePpse.txt":    true,
	"devnied_wrapperTestSW_61.txt": true,
	"devnied_wrapperTestSW_6C.txt": true,
}

func realCardFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(realCards, "*.txt"))
	if err == nil && len(files) == 0 {
		err = os.ErrNotExist
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real card transcripts missing at %s: %v", realCards, err)
		}
		t.Skipf("real card transcripts not found at %s (%v): run from a checkout beside shared/", realCards, err)
	}
	return files
}

// TestRealCards reads every real transcript: cards with a number are
// identified, the others refused with a clear error. The golden file pins
// what each read gives (masked numbers only).
func TestRealCards(t *testing.T) {
	r := emv.NewReader(testKey(t), emv.Options{})
	var report strings.Builder
	for _, path := range realCardFiles(t) {
		name := filepath.Base(path)
		tr, err := transcript.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		id, err := r.Read(context.Background(), transcript.NewCard(tr))
		switch {
		case noPAN[name] && err == nil:
			t.Errorf("%s: identified as %s %s; it carries no card number", name, id.Scheme, id.PANMasked)
		case noPAN[name] && !errors.Is(err, emv.ErrNoPAN) && !errors.Is(err, emv.ErrNoApplication):
			t.Errorf("%s: err = %v; want ErrNoPAN or ErrNoApplication", name, err)
		case !noPAN[name] && err != nil:
			t.Errorf("%s: %v", name, err)
		}
		fmt.Fprintf(&report, "%s\n\t%s\n", name, describe(id, err))
	}
	checkGolden(t, "realcards.golden", report.String())
}

func describe(id emv.Identity, err error) string {
	if err != nil {
		return "error: " + err.Error()
	}
	return fmt.Sprintf("%s %X %q %s from %s expiry=%s psn=%s par=%v apdus=%d",
		id.Scheme, id.AID, id.Label, id.PANMasked, id.PANSource, id.Expiry, id.PSN, id.PARPresent, id.APDUs)
}

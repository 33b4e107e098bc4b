package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"karta/readers/readertest"
	"karta/readers/transcript"
	"karta/sim"
)

func karta(args ...string) (string, string, int) {
	var o, e bytes.Buffer
	code := run(context.Background(), args, &o, &e)
	return o.String(), e.String(), code
}

func TestDemo(t *testing.T) {
	out, errOut, code := karta("demo")
	if code != 0 || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	for _, want := range []string{"220245******2347", "mir-pay", "visa", "2012 expired", "refused: emv:", "card removed"} {
		if !strings.Contains(out, want) {
			t.Errorf("demo output lacks %q:\n%s", want, out)
		}
	}
	var pans []string
	for _, c := range sim.Cards() {
		pans = append(pans, c.Want.PAN)
	}
	if leaked := readertest.PANLeaks([]byte(out), pans); len(leaked) > 0 {
		t.Errorf("demo prints card numbers: %v", leaked)
	}
}

func TestTranscriptCommand(t *testing.T) {
	out, _, code := karta("transcript", "--card", "mir-pay")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	tr, err := transcript.Parse(strings.NewReader(out))
	if err != nil || len(tr.Exchanges) != 2 || !strings.Contains(tr.Comments[0], "mir-pay") {
		t.Errorf("transcript of mir-pay: %d exchanges, %v:\n%s", len(tr.Exchanges), err, out)
	}
}

func TestCardsAndErrors(t *testing.T) {
	out, _, code := karta("cards")
	if code != 0 || strings.Count(out, "\n") != len(sim.Cards()) {
		t.Errorf("cards: exit %d, %d lines for %d cards", code, strings.Count(out, "\n"), len(sim.Cards()))
	}
	for _, args := range [][]string{{"transcript", "--card", "nope"}, {"demo", "--card", "nope"}, {"frob"}, {}} {
		if _, errOut, code := karta(args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

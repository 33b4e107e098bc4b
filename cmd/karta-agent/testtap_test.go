package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"karta/internal/mosquittotest"
	"karta/sim"
	"karta/sync/synctest"
)

// TestTestTap: one tap of the built-in test card, journaled, sent, acked by
// (a stand-in) central, and the command says so; the card number appears
// nowhere.
func TestTestTap(t *testing.T) {
	b := mosquittotest.Start(t)
	central := synctest.Start(t, b.URL())
	d := provision(t, "bus", 0, "20ms", "mir-credit")
	cfg, err := os.ReadFile(d.config)
	must(t, err)
	must(t, os.WriteFile(d.config, []byte(strings.Replace(string(cfg), "[[readers]]", "[sync]\nbroker = \""+b.URL()+"\"\n\n[[readers]]", 1)), 0o640))
	// the list is installed as provisioning does, before the test tap
	if code := run(context.Background(), []string{"install", "--config", d.config, d.inbox + "/list-v1.bundle"}, io.Discard, io.Discard); code != 0 {
		t.Fatalf("install: exit %d", code)
	}

	var out, logs bytes.Buffer
	if code := run(context.Background(), []string{"testtap", "--config", d.config, "--timeout", "30s"}, &out, &logs); code != 0 {
		t.Fatalf("exit %d:\n%s\n%s", code, &out, &logs)
	}
	if !strings.Contains(out.String(), "✓ test tap: seq 1, ") || !central.Has("test-bus", 1) {
		t.Errorf("output %q; central has seq 1: %v", &out, central.Has("test-bus", 1))
	}
	if taps := d.journal(t); len(taps) != 0 {
		t.Errorf("the journal still holds %d taps after the ack", len(taps))
	}
	c, _ := sim.Lookup(TestCard)
	if strings.Contains(out.String()+logs.String(), c.Want.PAN) {
		t.Error("the test card's number was printed")
	}
}

func TestTestTapRefusals(t *testing.T) {
	d := provision(t, "bus", 0, "20ms", "mir-credit")
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"--config", d.config}, "no [sync] broker"},
		{[]string{"--config", d.config, "--card", "nfc"}, `--card "nfc": sim or reader`},
	} {
		var stderr bytes.Buffer
		if code := run(context.Background(), append([]string{"testtap"}, tt.args...), io.Discard, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.want) {
			t.Errorf("%v: exit %d, %q, want %q", tt.args, code, &stderr, tt.want)
		}
	}
}

// TestTestTapUnacked: with no broker answering, the tap stays journaled
// and the command fails saying so, within its timeout.
func TestTestTapUnacked(t *testing.T) {
	d := provision(t, "bus", 0, "20ms", "mir-credit")
	cfg, err := os.ReadFile(d.config)
	must(t, err)
	must(t, os.WriteFile(d.config, []byte(strings.Replace(string(cfg), "[[readers]]", "[sync]\nbroker = \"tcp://127.0.0.1:1\"\n\n[[readers]]", 1)), 0o640))
	var out bytes.Buffer
	if code := run(context.Background(), []string{"testtap", "--config", d.config, "--timeout", "2s"}, &out, io.Discard); code != 1 {
		t.Fatalf("exit %d: %s", code, &out)
	}
	if !strings.Contains(out.String(), "✗ test tap: seq 1 is journaled but central has not acked it") {
		t.Errorf("output %q", &out)
	}
	if taps := d.journal(t); len(taps) != 1 || taps[0].Reader != TestReader {
		t.Errorf("journal %+v, want the test tap kept", taps)
	}
}

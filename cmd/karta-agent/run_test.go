package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/readers/readertest"
	"karta/sim"
)

func agentCmd(t *testing.T, args ...string) (string, string, int) {
	t.Helper()
	var o, e bytes.Buffer
	code := run(context.Background(), args, &o, &e)
	return o.String(), e.String(), code
}

// TestRunBus runs a bus validator until its virtual reader has presented
// every card: the list comes from the inbox, each tap is journaled with
// the decision the rules give, and nothing shows a card number.
func TestRunBus(t *testing.T) {
	cards := []string{"mir-debit", "mir-debit", "mir-credit", "visa-gpo-track2", "mir-maestro", "mir-vanishing"}
	d := provision(t, "bus", len(cards), "0s", cards...)
	out, errOut, code := agentCmd(t, "run", "--config", d.config)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, errOut)
	}
	want := []string{"ok", "repeat_tap", "ok", "not_mir", "stoplisted", "unreadable"}
	taps := d.journal(t)
	if len(taps) != len(want) {
		t.Fatalf("%d taps journaled, want %d", len(taps), len(want))
	}
	for i, tap := range taps {
		if tap.Reason != want[i] || tap.Seq != uint64(i+1) || tap.Role != "bus" || tap.ListVersion != 1 {
			t.Errorf("tap %d: %+v, want reason %s", i+1, tap, want[i])
		}
	}
	if _, err := os.Stat(filepath.Join(d.inbox, "done", "list-v1.bundle")); err != nil {
		t.Errorf("installed bundle not moved to done/: %v", err)
	}
	for _, s := range []string{"GREEN", "Льготный проезд", "Карта заблокирована"} {
		if !strings.Contains(out, s) {
			t.Errorf("console output lacks %q:\n%s", s, out)
		}
	}
	noPAN(t, out+errOut)
}

func TestSelftest(t *testing.T) {
	d := provision(t, "turnstile", 1, "0s", "mir-credit")
	out, _, code := agentCmd(t, "selftest", "--config", d.config)
	if code != 0 || !strings.Contains(out, "none installed yet") || !strings.Contains(out, "not created yet") {
		t.Errorf("selftest of a new device: exit %d\n%s", code, out)
	}
	out, _, code = agentCmd(t, "install", "--config", d.config, filepath.Join(d.inbox, "list-v1.bundle"))
	if code != 0 || !strings.Contains(out, "✓ school-39 v1 installed") {
		t.Fatalf("install: exit %d\n%s", code, out)
	}
	for i := 0; i < 2; i++ { // twice: a selftest changes nothing, not even the boot count
		out, _, code = agentCmd(t, "selftest", "--config", d.config)
		if code != 0 || !strings.Contains(out, "school-39 v1, 8 entries") || !strings.Contains(out, "not created yet") {
			t.Errorf("selftest after install: exit %d\n%s", code, out)
		}
	}
}

// TestInstallRefusals: a rollback and a tampered bundle are refused with a
// clear message and leave the installed list alone.
func TestInstallRefusals(t *testing.T) {
	d := provision(t, "canteen", 1, "0s", "mir-credit")
	v2 := d.putList(t, 2)
	if _, e, code := agentCmd(t, "install", "--config", d.config, v2); code != 0 {
		t.Fatalf("install v2: %s", e)
	}
	_, errOut, code := agentCmd(t, "install", "--config", d.config, filepath.Join(d.inbox, "list-v1.bundle"))
	if code != 1 || !strings.Contains(errOut, "not newer") {
		t.Errorf("rollback to v1: exit %d, %q", code, errOut)
	}
	raw, err := os.ReadFile(v2)
	must(t, err)
	raw[len(raw)-10] ^= 0x5A
	bad := filepath.Join(d.dir, "tampered.bundle")
	must(t, os.WriteFile(bad, raw, 0o600))
	if _, errOut, code = agentCmd(t, "install", "--config", d.config, bad); code != 1 {
		t.Errorf("tampered bundle: exit %d, %q", code, errOut)
	}
	out, _, _ := agentCmd(t, "selftest", "--config", d.config)
	if !strings.Contains(out, "school-39 v2, 8 entries") {
		t.Errorf("after refusals the list must still be v2:\n%s", out)
	}
}

func noPAN(t *testing.T, out string) {
	t.Helper()
	var pans []string
	for _, c := range sim.Cards() {
		pans = append(pans, c.Want.PAN)
	}
	if leaked := readertest.PANLeaks([]byte(out), pans); len(leaked) > 0 {
		t.Errorf("card numbers in the agent's output: %v", leaked)
	}
}

// TestRecordFlag: with --record, every session is written as a transcript
// without card numbers.
func TestRecordFlag(t *testing.T) {
	cards := []string{"mir-debit", "mir-par", "visa-gpo-track2"}
	d := provision(t, "bus", len(cards), "0s", cards...)
	rec := filepath.Join(d.dir, "traces")
	if _, e, code := agentCmd(t, "run", "--config", d.config, "--record", rec); code != 0 {
		t.Fatalf("exit %d: %s", code, e)
	}
	files, _ := filepath.Glob(filepath.Join(rec, "*.txt"))
	if len(files) != len(cards) {
		t.Fatalf("%d transcripts, want %d", len(files), len(cards))
	}
	for _, f := range files {
		b, _ := os.ReadFile(f)
		noPAN(t, string(b))
	}
}

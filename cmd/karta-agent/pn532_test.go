package main

import (
	"context"
	"fmt"
	"os"
	"testing"

	"karta/internal/syncbuf"
	"karta/sim"
	simpn532 "karta/sim/pn532"
)

// newPN532 starts the PN532 emulator on a real pty; without ptys the test
// fails in CI and skips elsewhere.
func newPN532(t *testing.T) *simpn532.Emulator {
	t.Helper()
	em, err := simpn532.New(simpn532.Options{})
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PN532 emulator on a pty: %v", err)
		}
		t.Skipf("no pty for the PN532 emulator: %v", err)
	}
	t.Cleanup(func() { em.Close() })
	return em
}

// TestRunPN532: karta-agent with a PN532 on a serial line (the emulator on
// a real pty) reads virtual cards, decides, journals and signals; the line
// has noise on it.
func TestRunPN532(t *testing.T) {
	em := newPN532(t)
	em.SetFaults(simpn532.Faults{Noise: 0.05})
	d := provision(t, "bus", 0, "0s", "mir-debit")
	d.useReader(t, fmt.Sprintf("[[readers]]\nname = \"front\"\ndriver = \"pn532\"\npath = %q\nretry = \"100ms\"", em.Path()))

	ctx, cancel := context.WithCancel(context.Background())
	out := &syncbuf.Buffer{}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"run", "--config", d.config}, out, os.Stderr) }()
	for i, name := range []string{"mir-debit", "visa-gpo-track2", "mastercard-records"} {
		c, _ := sim.Lookup(name)
		em.Insert(c.Insert())
		waitFor(t, out, i+1)
		em.Remove()
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := []string{"ok", "not_mir", "not_mir"}
	d.checkReasons(t, want, out)
	noPAN(t, out.String())
}

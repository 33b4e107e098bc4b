package main

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"karta/internal/syncbuf"
	"karta/readers/pcsc/pcsctest"
	"karta/sim"
	"karta/sim/vpcd"
)

// TestRunPCSC: karta-agent with a PC/SC reader reads virtual cards through
// the real pcscd (vsmartcard's vpcd reader), decides, journals and signals.
func TestRunPCSC(t *testing.T) {
	pcscd := pcsctest.Start(t)
	d := provision(t, "bus", 0, "0s", "mir-debit")
	d.useReader(t, fmt.Sprintf("[[readers]]\nname = \"front\"\ndriver = \"pcsc\"\nreader = %q\nretry = \"100ms\"", pcscd.Reader(0)))

	ctx, cancel := context.WithCancel(context.Background())
	out := &syncbuf.Buffer{}
	done := make(chan int)
	go func() { done <- run(ctx, []string{"run", "--config", d.config}, out, os.Stderr) }()
	card := vpcd.NewClient(vpcd.Options{Addr: pcscd.Addr(0)})
	defer card.Close()
	for i, name := range []string{"mir-debit", "visa-gpo-track2", "mir-maestro"} {
		c, _ := sim.Lookup(name)
		must(t, card.Insert(func() vpcd.Responder { return c.Insert() }))
		waitFor(t, out, i+1)
		card.Remove()
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	want := []string{"ok", "not_mir", "stoplisted"}
	d.checkReasons(t, want, out)
	noPAN(t, out.String())
}

// waitFor waits until the console has signalled n taps (one light each).
func waitFor(t *testing.T, out *syncbuf.Buffer, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for strings.Count(out.String(), "●") < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d taps signalled after 20 s:\n%s", strings.Count(out.String(), "●"), n, out)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

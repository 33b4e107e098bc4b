package pcsc_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"karta/offline/token"
	"karta/readers/emv"
	"karta/readers/pcsc"
	"karta/readers/pcsc/pcsctest"
	"karta/sim"
	"karta/sim/vpcd"
)

// patience bounds every wait on the real pcscd; tests never sleep to assert.
const patience = 15 * time.Second

// stack is a pcscd of the test's own with a Context on it.
type stack struct {
	t  *testing.T
	d  *pcsctest.Daemon
	pc *pcsc.Context
}

func newStack(t *testing.T) *stack {
	t.Helper()
	checkNoLeaks(t)
	d := pcsctest.Start(t)
	pc, err := pcsc.Open(pcsc.Options{Log: testLog(t)})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		pc.Close()
		if t.Failed() {
			t.Logf("pcscd log:\n%s", d.Log())
		}
	})
	return &stack{t: t, d: d, pc: pc}
}

// insert connects a virtual card to reader slot.
func (s *stack) insert(slot int, c *sim.Card, opts vpcd.Options) *vpcd.Client {
	s.t.Helper()
	opts.Addr, opts.Log = s.d.Addr(slot), testLog(s.t)
	vc := vpcd.NewClient(opts)
	s.t.Cleanup(func() { vc.Close() })
	if err := vc.Insert(func() vpcd.Responder { return c.Insert() }); err != nil {
		s.t.Fatal(err)
	}
	return vc
}

// waitCard waits for a card in r, within patience.
func (s *stack) waitCard(r *pcsc.Reader) *pcsc.Card {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), patience)
	defer cancel()
	c, err := r.WaitCard(ctx)
	if err != nil {
		s.t.Fatalf("WaitCard(%s): %v", r.Name(), err)
	}
	s.t.Cleanup(func() { c.Close() })
	return c.(*pcsc.Card)
}

// waitRemoved waits for the card to leave, within patience.
func (s *stack) waitRemoved(c *pcsc.Card) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(s.t.Context(), patience)
	defer cancel()
	if err := c.WaitRemoved(ctx); err != nil {
		s.t.Fatalf("WaitRemoved: %v", err)
	}
}

func simCard(t testing.TB, name string) *sim.Card {
	t.Helper()
	c, ok := sim.Lookup(name)
	if !ok {
		t.Fatalf("no sim card %q", name)
	}
	return c
}

func testKey(t testing.TB) *token.Key {
	t.Helper()
	k, err := token.NewKey("test", []byte("pcsc-test-secret-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func emvReader(t testing.TB) *emv.Reader { return emv.NewReader(testKey(t), emv.Options{}) }

// testLog logs to the test when -v and KARTA_TEST_LOG are set.
func testLog(t testing.TB) *slog.Logger {
	if os.Getenv("KARTA_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

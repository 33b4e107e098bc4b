package pn532_test

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"karta/offline/token"
	"karta/readers/emv"
	"karta/readers/pn532"
	"karta/sim"
	simpn532 "karta/sim/pn532"
)

// patience bounds every wait in these tests; they never sleep to assert.
const patience = 10 * time.Second

// fast are driver options for a pty, where answers take microseconds.
func fast(t testing.TB) pn532.Options {
	return pn532.Options{
		AckTimeout: 50 * time.Millisecond, Timeout: 300 * time.Millisecond, Retries: 3,
		Backoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		PollInterval: 5 * time.Millisecond, Log: testLog(t),
	}
}

// newEmulator starts a PN532 emulator on a pty, with its Link in a temporary
// directory. Without ptys the test fails in CI and is skipped elsewhere.
func newEmulator(t *testing.T, opts simpn532.Options) *simpn532.Emulator {
	t.Helper()
	if opts.Link == "" {
		opts.Link = filepath.Join(t.TempDir(), "pn532")
	}
	opts.Log = testLog(t)
	e, err := simpn532.New(opts)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PN532 emulator: %v", err)
		}
		t.Skipf("no pty for the PN532 emulator (%v): this test needs /dev/ptmx and devpts", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// newReader opens the emulator's Link as a serial port and makes a Reader
// that opens it again when the device vanishes.
func newReader(t *testing.T, e *simpn532.Emulator, opts pn532.Options) *pn532.Reader {
	t.Helper()
	open := func() (pn532.Port, error) { return pn532.OpenSerial(e.Link(), pn532.DefaultBaud) }
	port, err := open()
	if err != nil {
		t.Fatal(err)
	}
	opts.Reopen = open
	r := pn532.New(port, opts)
	t.Cleanup(func() { r.Close() })
	return r
}

// waitCard waits for a card, within patience.
func waitCard(t *testing.T, r *pn532.Reader) *pn532.Card {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	c, err := r.WaitCard(ctx)
	if err != nil {
		t.Fatalf("WaitCard: %v", err)
	}
	t.Cleanup(func() { c.Close() })
	return c.(*pn532.Card)
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
	k, err := token.NewKey("test", []byte("pn532-test-secret-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func emvReader(t testing.TB) *emv.Reader { return emv.NewReader(testKey(t), emv.Options{}) }

// read reads the card within patience.
func read(t *testing.T, card *pn532.Card) (emv.Identity, error) {
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	return emvReader(t).Read(ctx, card)
}

// testLog logs to the test when KARTA_TEST_LOG is set.
func testLog(t testing.TB) *slog.Logger {
	if os.Getenv("KARTA_TEST_LOG") == "" {
		return nil
	}
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

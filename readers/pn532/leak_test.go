package pn532_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	"karta/internal/leaktest"
	simpn532 "karta/sim/pn532"
)

// ours marks the goroutines a test must not leave behind: the driver's (it
// should have none), the serial library's and the emulator's.
var ours = []string{"karta/readers/pn532.", "go.bug.st/serial.", "karta/sim/pn532."}

// TestNoGoroutineLeak counts goroutines before and after a whole life: an
// emulator, a reader, a read, a removal, a cancelled WaitCard, a device
// that vanishes, and Close. The count must come back within patience.
func TestNoGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()
	func() {
		e := newEmulator(t, simpn532.Options{})
		defer e.Close()
		e.Insert(simCard(t, "mir-debit").Insert())
		r := newReader(t, e, fast(t))
		defer r.Close()
		card := waitCard(t, r)
		if _, err := read(t, card); err != nil {
			t.Fatal(err)
		}
		e.Remove()
		card.WaitRemoved(t.Context())
		card.Close()
		ctx, cancel := context.WithTimeout(t.Context(), 30*time.Millisecond)
		defer cancel()
		r.WaitCard(ctx)
		e.Disconnect()
		waitCardErr(t, r)
	}()
	deadline := time.Now().Add(patience)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), strings.Join(leaktest.Goroutines(""), "\n\n"))
		}
		time.Sleep(10 * time.Millisecond) // polling, not asserting
	}
}

// checkNoLeaks makes t fail if goroutines of this test's code outlive its
// other cleanups. Register it first: cleanups run last first.
func checkNoLeaks(t *testing.T) { leaktest.Check(t, patience, ours...) }

package pn532_test

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"

	simpn532 "karta/sim/pn532"
)

// ours marks the goroutines a test must not leave behind: the driver's (it
// should have none), the serial library's and the emulator's.
var ours = []string{"karta/readers/pn532.", "go.bug.st/serial.", "karta/sim/pn532."}

// checkNoLeaks makes t fail if goroutines of ours are still running once
// every other cleanup has run. Register it first: cleanups run last first.
func checkNoLeaks(t *testing.T) {
	t.Cleanup(func() {
		deadline := time.Now().Add(patience)
		for {
			left := goroutines(ours...)
			if len(left) == 0 {
				return
			}
			if time.Now().After(deadline) {
				t.Errorf("%d goroutines left behind:\n%s", len(left), strings.Join(left, "\n\n"))
				return
			}
			time.Sleep(10 * time.Millisecond) // polling, not asserting
		}
	})
}

// goroutines returns the stacks of the goroutines running any of funcs,
// other than the one asking.
func goroutines(funcs ...string) []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n")[1:] {
		for _, f := range funcs {
			if strings.Contains(g, f) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

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
			t.Fatalf("%d goroutines before, %d after:\n%s", before, runtime.NumGoroutine(), strings.Join(goroutines(""), "\n\n"))
		}
		time.Sleep(10 * time.Millisecond) // polling, not asserting
	}
}

package pcsc_test

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// ours marks the goroutines a test must not leave behind: the driver's,
// scard's and the virtual card's.
var ours = []string{"karta/readers/pcsc.", "github.com/ebfe/scard.", "karta/sim/vpcd."}

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

// goroutines returns the stacks of the goroutines running any of funcs.
func goroutines(funcs ...string) []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		for _, f := range funcs {
			if strings.Contains(g, f) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

// waitBlocked waits until some goroutine is blocked in fn.
func waitBlocked(t *testing.T, fn string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for len(goroutines(fn)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("nothing blocked in %s after %v", fn, patience)
		}
		time.Sleep(5 * time.Millisecond) // polling, not asserting
	}
}

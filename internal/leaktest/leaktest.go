// Package leaktest checks that a test leaves no goroutine of its own
// behind: drivers own their goroutines and must stop them (STYLE rule 11).
package leaktest

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// Check makes t fail if, once every other cleanup has run, goroutines
// running code of any of funcs (e.g. "karta/readers/pcsc.") remain after
// waiting up to within. Register it first: cleanups run last first.
func Check(t testing.TB, within time.Duration, funcs ...string) {
	t.Helper()
	t.Cleanup(func() {
		deadline := time.Now().Add(within)
		for {
			left := Goroutines(funcs...)
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

// Goroutines returns the stacks of the goroutines running any of funcs,
// other than the one asking; "" matches every goroutine.
func Goroutines(funcs ...string) []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n")[1:] { // [0] is this goroutine
		for _, f := range funcs {
			if strings.Contains(g, f) {
				out = append(out, g)
				break
			}
		}
	}
	return out
}

package pn532_test

import (
	"runtime"
	"strings"
	"testing"
	"time"
)

// checkNoLeaks makes t fail if an emulator goroutine is still running once
// every other cleanup has run. Register it first: cleanups run last first.
func checkNoLeaks(t *testing.T) {
	t.Cleanup(func() {
		deadline := time.Now().Add(patience)
		for {
			left := goroutines("karta/sim/pn532.")
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

func goroutines(fn string) []string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var out []string
	for _, g := range strings.Split(string(buf), "\n\n")[1:] {
		if strings.Contains(g, fn) {
			out = append(out, g)
		}
	}
	return out
}

package pcsc_test

import (
	"testing"
	"time"

	"karta/internal/leaktest"
)

// ours marks the goroutines a test must not leave behind: the driver's,
// scard's and the virtual card's.
var ours = []string{"karta/readers/pcsc.", "github.com/ebfe/scard.", "karta/sim/vpcd."}

// waitBlocked waits until some goroutine is blocked in fn.
func waitBlocked(t *testing.T, fn string) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for len(leaktest.Goroutines(fn)) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("nothing blocked in %s after %v", fn, patience)
		}
		time.Sleep(5 * time.Millisecond) // polling, not asserting
	}
}

// checkNoLeaks makes t fail if goroutines of this test's code outlive its
// other cleanups. Register it first: cleanups run last first.
func checkNoLeaks(t *testing.T) { leaktest.Check(t, patience, ours...) }

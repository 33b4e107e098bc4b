package vpcd_test

import (
	"testing"

	"karta/internal/leaktest"
)

// checkNoLeaks makes t fail if goroutines of this test's code outlive its
// other cleanups. Register it first: cleanups run last first.
func checkNoLeaks(t *testing.T) { leaktest.Check(t, patience, "karta/sim/vpcd.") }

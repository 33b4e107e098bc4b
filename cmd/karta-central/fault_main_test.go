package main

import (
	"os"
	"testing"

	"karta/internal/systemtest"
)

// TestMain removes the binaries the fault tests built, once all tests ran.
func TestMain(m *testing.M) {
	code := m.Run()
	systemtest.RemoveBuilds()
	os.Exit(code)
}

// faultTest marks a fault test of the whole path: real processes, run in
// parallel with the others, not in -short.
func faultTest(t *testing.T) systemtest.Binaries {
	t.Helper()
	if testing.Short() {
		t.Skip("fault test with real processes; not in -short")
	}
	t.Parallel()
	return systemtest.Build(t)
}

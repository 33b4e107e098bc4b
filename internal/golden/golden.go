// Package golden compares test output with files under testdata/, and
// rewrites them when a test binary runs with -update. It is for tests only.
package golden

import (
	"bytes"
	"flag"
	"os"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files instead of comparing")

// Check compares got with the file at path; with -update it writes got there
// first. A difference fails the test and shows what the test produced.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test -update writes it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it after review):\n%s", path, got)
	}
}

package emv_test

import (
	"path/filepath"
	"testing"

	"karta/internal/golden"
)

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), []byte(got))
}

package golden_test

import (
	"os"
	"path/filepath"
	"testing"

	"karta/internal/golden"
)

// recorder is a testing.TB that notes failures instead of failing.
type recorder struct {
	testing.TB
	failed bool
}

func (r *recorder) Errorf(string, ...any) { r.failed = true }
func (r *recorder) Fatalf(string, ...any) { r.failed = true }

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "out.golden")
	if err := os.WriteFile(path, []byte("same\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		got      string
		wantFail bool
	}{{"same\n", false}, {"different\n", true}} {
		r := &recorder{TB: t}
		golden.Check(r, path, []byte(tt.got))
		if r.failed != tt.wantFail {
			t.Errorf("Check(%q): failed=%v, want %v", tt.got, r.failed, tt.wantFail)
		}
	}
}

package atomicfile_test

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"karta/internal/atomicfile"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "config.signed")
	if err := atomicfile.WriteBytes(path, 0o640, []byte("v1")); err != nil {
		t.Fatal(err)
	}
	boom := errors.New("disk full")
	err := atomicfile.Write(path, 0o640, func(w io.Writer) error {
		w.Write([]byte("half of v2"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("a failed write says %v", err)
	}
	b, _ := os.ReadFile(path)
	st, _ := os.Stat(path)
	left, _ := filepath.Glob(filepath.Join(dir, "sub", "*"))
	if string(b) != "v1" || st.Mode().Perm() != 0o640 || len(left) != 1 {
		t.Errorf("after a failed write: %q, mode %v, files %v; want v1 alone, 0640", b, st.Mode().Perm(), left)
	}
	if err := atomicfile.WriteBytes(path, 0o600, []byte("v2")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(path); string(b) != "v2" {
		t.Errorf("after a good write: %q", b)
	}
}

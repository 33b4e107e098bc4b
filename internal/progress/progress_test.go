package progress

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestProgress(t *testing.T) {
	var b strings.Builder
	p := &Bar{w: &b, label: "reading x.csv", total: 200}
	p.Update(50, 1000)
	p.Update(100, 2000) // within 100ms: not drawn
	p.Clear()
	if got := b.String(); got != "\rreading x.csv  25% (1000)\r\033[K" {
		t.Errorf("progress drew %q", got)
	}
	quiet := New(io.Discard, "x", 10)
	quiet.Update(5, 5)
	if quiet.w != nil {
		t.Error("progress drew on something that is not a terminal")
	}
	if f, err := os.Create(filepath.Join(t.TempDir(), "f")); err == nil && IsTerminal(f) {
		t.Error("a file is not a terminal")
	}
}

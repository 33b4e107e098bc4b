// Package progress shows how far a long task is (reading a registry
// export, importing it) on one line of a terminal, and nothing anywhere
// else: a log, a pipe or a test sees no progress lines.
package progress

import (
	"fmt"
	"io"
	"os"
	"time"
)

// Bar shows how far a long task is, on one line of a terminal that it
// rewrites (\r) at most ten times a second. When the output is not a
// terminal it shows nothing.
type Bar struct {
	w     io.Writer
	label string
	total int64 // 0: unknown, show counts only
	shown time.Time
	drawn bool
}

// New shows progress on w if w is a terminal; total is the work in
// bytes, 0 if unknown.
func New(w io.Writer, label string, total int64) *Bar {
	if !IsTerminal(w) {
		w = nil
	}
	return &Bar{w: w, label: label, total: total}
}

// IsTerminal reports whether w is a character device (a terminal).
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// Update shows done (of total) and a count of things, rate-limited.
func (p *Bar) Update(done int64, count int) {
	if p.w == nil || time.Since(p.shown) < 100*time.Millisecond {
		return
	}
	p.shown, p.drawn = time.Now(), true
	if p.total > 0 {
		fmt.Fprintf(p.w, "\r%s %3d%% (%d)", p.label, min(100, done*100/p.total), count)
		return
	}
	fmt.Fprintf(p.w, "\r%s %d", p.label, count)
}

// Clear wipes the line, so that a message or what follows starts clean;
// the next Update draws it again.
func (p *Bar) Clear() {
	if p.w != nil && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// Reader counts the bytes read through it: the done of Update.
type Reader struct {
	R io.Reader
	N int64
}

func (c *Reader) Read(b []byte) (int, error) {
	n, err := c.R.Read(b)
	c.N += int64(n)
	return n, err
}

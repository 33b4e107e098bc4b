package main

import (
	"fmt"
	"io"
	"os"
	"time"
)

// progress shows how far a long task is, on one line of a terminal that
// it rewrites (\r) at most ten times a second. When the output is not a
// terminal (a log, a pipe, a test) it shows nothing.
type progress struct {
	w     io.Writer
	label string
	total int64 // 0: unknown, show counts only
	shown time.Time
	drawn bool
}

// newProgress shows progress on w if w is a terminal.
func newProgress(w io.Writer, label string, total int64) *progress {
	if !isTerminal(w) {
		w = nil
	}
	return &progress{w: w, label: label, total: total}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// update shows done (of total) and a count of things, rate-limited.
func (p *progress) update(done int64, count int) {
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

// clear wipes the line, so that a message or what follows starts clean;
// the next update draws it again.
func (p *progress) clear() {
	if p.w != nil && p.drawn {
		fmt.Fprint(p.w, "\r\033[K")
		p.drawn = false
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n += int64(n)
	return n, err
}

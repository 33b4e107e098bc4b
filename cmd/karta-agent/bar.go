package main

import (
	"fmt"
	"io"
	"strings"

	"karta/internal/progress"
)

// bar is a progress bar for long installs: redrawn in place on a
// terminal, a line per quarter elsewhere.
type bar struct {
	w     io.Writer
	label string
	total int
	tty   bool
	last  int // last quarter printed (non-terminal)
}

func newBar(w io.Writer, label string, total int) *bar {
	return &bar{w: w, label: label, total: max(total, 1), tty: progress.IsTerminal(w), last: -1}
}

func (b *bar) set(done int) {
	pct := done * 100 / b.total
	if b.tty {
		filled := pct / 5
		fmt.Fprintf(b.w, "\r%s [%s%s] %3d%% %d/%d", b.label, strings.Repeat("█", filled), strings.Repeat("·", 20-filled), pct, done, b.total)
		return
	}
	if q := pct / 25; q > b.last {
		b.last = q
		fmt.Fprintf(b.w, "%s: %d%% (%d of %d)\n", b.label, pct, done, b.total)
	}
}

func (b *bar) done(err error) {
	if b.tty {
		fmt.Fprintln(b.w)
	}
	if err == nil {
		fmt.Fprintf(b.w, "✓ %s installed\n", b.label)
	}
}

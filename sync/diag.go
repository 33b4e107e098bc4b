package sync

import (
	"fmt"
	"strings"
	"time"
)

// diagnostics is the report of the diagnostics command: the journal, the
// lists, the readers, the config, the link and the downloads, in a few
// lines of text.
func (l *Link) diagnostics() string {
	var st Status
	if l.Status != nil {
		st = l.Status()
	}
	if l.Down != nil {
		l.Down.fillStatus(&st)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "journal: %d unsynced of %d, next seq %d, boot %d\n", st.Backlog, st.Capacity, st.NextSeq, st.Boot)
	for _, ls := range st.Lists {
		fmt.Fprintf(&b, "list %s: v%d, %d entries, issued %s\n", ls.List, ls.Version, ls.Entries, ls.Issued.UTC().Format(time.RFC3339))
	}
	for _, r := range st.Readers {
		fmt.Fprintf(&b, "reader %s: ok %t, %d errors\n", r.Name, r.OK, r.Errors)
	}
	fmt.Fprintf(&b, "config: v%d%s; clock synced %t\n", st.Config, orNone(st.ConfigError, ", last refused: "), st.Synced)
	b.WriteString(l.linkLine())
	if l.Down != nil {
		for _, d := range l.Down.Downloads() {
			fmt.Fprintf(&b, "download %s v%d (base v%d): %d of %d chunks, last %s ago\n", d.List, d.Version, d.Base,
				d.Stored, d.Chunks, time.Since(d.Latest).Round(time.Second))
		}
	}
	return b.String()
}

func (l *Link) linkLine() string {
	l.mu.Lock()
	s := l.state
	l.mu.Unlock()
	if !s.up {
		return "link: down\n"
	}
	return fmt.Sprintf("link: up since %s, %d batches in flight, next seq to send %d\n",
		s.since.UTC().Format(time.RFC3339), s.inflight, s.next)
}

func orNone(s, prefix string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

package fleet

import (
	"fmt"
	"os"
	"path/filepath"

	"karta/offline"
	tapsync "karta/sync"
)

// Journal is a device's outbox as the fleet drives it: the link's Range
// and Ack, and the device's Append.
type Journal interface {
	tapsync.Outbox
	// Append numbers t (sets t.Seq) and keeps it until acked.
	Append(t *offline.Tap) error
	Backlog() int
	Close() error
}

// Kinds of journal (Options.Journal).
const (
	JournalMemory = "memory" // Memory: thousands of devices
	JournalBbolt  = "bbolt"  // offline.Journal, one journal.db per device, fsync per tap
)

var (
	_ Journal = (*Memory)(nil)
	_ Journal = bboltJournal{}
)

// bboltJournal is an offline.Journal, the device's own.
type bboltJournal struct{ *offline.Journal }

func (j bboltJournal) Append(t *offline.Tap) error {
	_, err := j.Journal.Append(t, "", nil)
	return err
}

func (j bboltJournal) Backlog() int { return j.Stats().Backlog }

// openJournal opens device's journal of the given kind; bbolt journals
// live in dir/{device}/journal.db.
func openJournal(kind, dir, device string, max int) (Journal, error) {
	switch kind {
	case JournalMemory, "":
		return NewMemory(max), nil
	case JournalBbolt:
		d := filepath.Join(dir, device)
		if err := os.MkdirAll(d, 0o750); err != nil {
			return nil, fmt.Errorf("fleet: %w", err)
		}
		j, err := offline.OpenJournal(filepath.Join(d, "journal.db"), offline.JournalOptions{MaxTaps: max})
		if err != nil {
			return nil, fmt.Errorf("fleet: device %s: %w", device, err)
		}
		return bboltJournal{j}, nil
	}
	return nil, fmt.Errorf("%w: journal %q (want %s or %s)", ErrOptions, kind, JournalMemory, JournalBbolt)
}

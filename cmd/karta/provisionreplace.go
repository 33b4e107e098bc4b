package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"

	"karta/agent"
	"karta/internal/atomicfile"
	"karta/offline"
	tapsync "karta/sync"
)

// oldDevice is a broken device's storage, read for its replacement: its
// id (from its config) and its journal, with the unsynced taps and the
// seq and boot counters the replacement continues.
type oldDevice struct {
	dir     string
	id      string // "" when its config could not be read
	idErr   error  // why not
	journal string // path of its journal.db; "" if it has none
	stats   offline.JournalStats
}

// readOldDevice reads the old storage without writing to it. A journal
// that exists but does not open or check is an error: carrying it over
// is the point, and provisioning without it would lose its taps.
func readOldDevice(dir string) (*oldDevice, error) {
	if _, err := os.Stat(dir); err != nil {
		return nil, fmt.Errorf("--replace-from: %w", err)
	}
	o := &oldDevice{dir: dir}
	candidates := []string{filepath.Join(dir, "data", "journal.db"), filepath.Join(dir, "journal.db")}
	if cfg, err := agent.LoadConfig(filepath.Join(dir, "agent.toml")); err != nil {
		o.id, o.idErr = idOnly(filepath.Join(dir, "agent.toml"), err)
	} else {
		o.id = cfg.DeviceID
		candidates = append([]string{cfg.JournalPath()}, candidates...)
	}
	for _, p := range candidates {
		if _, err := os.Stat(p); err == nil {
			o.journal = p
			break
		}
	}
	if o.journal == "" {
		return o, nil
	}
	j, err := offline.OpenJournal(o.journal, offline.JournalOptions{ReadOnly: true})
	if err == nil {
		err = j.Check()
		o.stats = j.Stats()
		j.Close()
	}
	if err != nil {
		return nil, fmt.Errorf("--replace-from: the old journal %s does not open (%w): its unsynced taps cannot be carried over; "+
			"recover the storage first, or provision a new device under a new id and decommission the old one", o.journal, err)
	}
	return o, nil
}

// idOnly reads just device_id from a config the agent refuses (an older
// agent's keys, a rule this one does not take): its id is all a
// replacement needs of it.
func idOnly(path string, loadErr error) (string, error) {
	var c struct {
		DeviceID string `toml:"device_id"`
	}
	if _, err := toml.DecodeFile(path, &c); err != nil || !tapsync.ValidDeviceID(c.DeviceID) {
		return "", loadErr
	}
	return c.DeviceID, nil
}

// resolveID is the replacement's id: the old one unless --id says
// otherwise, which is refused while the old journal holds unsynced taps
// (they would sync under the new id, not the old device's).
func (o *oldDevice) resolveID(flagID string) (string, error) {
	switch {
	case o.id == "" && flagID == "":
		return "", fmt.Errorf("--replace-from: the old device's config does not read (%v): give --id, the id on its label", o.idErr)
	case flagID == "":
		return o.id, nil
	case o.id != "" && flagID != o.id && o.stats.Backlog > 0:
		return "", fmt.Errorf("--replace-from: %s has %d unsynced taps: its replacement keeps its id (leave out --id %s) so that they sync as its own",
			o.id, o.stats.Backlog, flagID)
	}
	return flagID, nil
}

// describe says what is carried over.
func (o *oldDevice) describe() string {
	if o.journal == "" {
		return "no journal (nothing unsynced to carry over)"
	}
	return fmt.Sprintf("%d unsynced taps, next seq %d, after boot %d", o.stats.Backlog, o.stats.NextSeq, o.stats.Boot)
}

// copyJournal copies the old journal into the new data directory whole or
// not at all.
func (o *oldDevice) copyJournal(to string) error {
	src, err := os.Open(o.journal)
	if err != nil {
		return err
	}
	defer src.Close()
	return atomicfile.Write(to, 0o640, func(w io.Writer) error {
		_, err := io.Copy(w, src)
		return err
	})
}

// checkCopy opens the copy as the agent will and compares its counters.
func (o *oldDevice) checkCopy(path string) error {
	j, err := offline.OpenJournal(path, offline.JournalOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer j.Close()
	if err := j.Check(); err != nil {
		return err
	}
	if s := j.Stats(); s.NextSeq != o.stats.NextSeq || s.Backlog != o.stats.Backlog {
		return errors.New("the copy differs from the old journal")
	}
	return nil
}

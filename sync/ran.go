package sync

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"
)

// ranCommands remembers the commands a device has run, by id, until they
// expire (after that DecodeCommand refuses them anyway), in a file under
// the downlink's directory: a command runs once, across restarts too.
type ranCommands struct {
	path string
	ids  map[string]time.Time // id → when it expires
}

func loadRan(dir string, log *slog.Logger) *ranCommands {
	r := &ranCommands{path: filepath.Join(dir, "commands.json"), ids: map[string]time.Time{}}
	b, err := os.ReadFile(r.path)
	if errors.Is(err, os.ErrNotExist) {
		return r
	}
	if err == nil {
		err = json.Unmarshal(b, &r.ids)
	}
	if err != nil {
		log.Warn("sync: the commands run before are forgotten", "file", r.path, "err", err)
		r.ids = map[string]time.Time{}
	}
	return r
}

func (r *ranCommands) has(id string) bool {
	_, ok := r.ids[id]
	return ok
}

// add remembers cmd, forgets the expired ones, and writes the file.
func (r *ranCommands) add(cmd Command, now time.Time) error {
	for id, exp := range r.ids {
		if now.After(exp) {
			delete(r.ids, id)
		}
	}
	r.ids[cmd.ID] = cmd.Expires
	b, err := json.Marshal(r.ids)
	if err == nil {
		err = os.MkdirAll(filepath.Dir(r.path), 0o750)
	}
	if err == nil {
		err = writeFile(r.path, b)
	}
	if err != nil {
		return fmt.Errorf("sync: remember command %s: %w", cmd.ID, err)
	}
	return nil
}

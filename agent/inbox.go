package agent

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"karta/offline"
	"karta/offline/bundle"
)

// Installer installs verified list versions (offline.Lists).
type Installer interface {
	Install(v offline.ListVersion, src offline.OpSource, progress func(int)) error
}

// Inbox installs the list bundles dropped into a directory by a
// technician's USB stick; sync installs what it fetches through it too
// (InstallBundle). Each *.bundle is verified
// against the pinned keys and installed; then it moves to done/, or to
// rejected/ with a .reason file beside it. A delta whose base is not
// installed yet waits for a later pass.
type Inbox struct {
	Dir   string
	Lists Installer
	Keys  bundle.KeyRing
	Now   func() time.Time
	Log   *slog.Logger
}

// Run installs what it can, pass after pass, and returns how many bundles
// were installed.
func (in *Inbox) Run() (int, error) {
	total := 0
	for {
		n, err := in.pass()
		total += n
		if err != nil || n == 0 {
			return total, err
		}
	}
}

func (in *Inbox) pass() (int, error) {
	files, err := filepath.Glob(filepath.Join(in.Dir, "*.bundle"))
	if err != nil {
		return 0, fmt.Errorf("agent: inbox: %w", err)
	}
	sort.Strings(files)
	n := 0
	for _, f := range files {
		if in.one(f) {
			n++
		}
	}
	return n, nil
}

// one installs one file; it reports whether it did.
func (in *Inbox) one(path string) bool {
	v, err := in.install(path)
	switch {
	case err == nil:
		in.Log.Info("agent: list installed", "file", filepath.Base(path), "list", v.List, "version", v.Version, "ops", v.Ops)
		in.move(path, "done", "")
		return true
	case errors.Is(err, offline.ErrWrongBase):
		in.Log.Info("agent: delta waits for its base", "file", filepath.Base(path), "err", err)
	default:
		in.Log.Warn("agent: list refused", "file", filepath.Base(path), "err", err)
		in.move(path, "rejected", err.Error())
	}
	return false
}

func (in *Inbox) install(path string) (offline.ListVersion, error) {
	b, err := bundle.ReadFile(path)
	if err != nil {
		return offline.ListVersion{}, err
	}
	return in.InstallBundle(b)
}

// InstallBundle verifies b against the pinned keys and installs it: the
// one install path of the device, for the inbox's files and for the
// versions sync fetches. A refusal leaves the installed list as it was.
func (in *Inbox) InstallBundle(b *bundle.Bundle) (offline.ListVersion, error) {
	ver, err := bundle.Open(b, in.Keys, in.Now())
	if err != nil {
		return offline.ListVersion{}, err
	}
	v := ver.Version()
	return v, in.Lists.Install(v, ver, nil)
}

func (in *Inbox) move(path, sub, reason string) {
	dir := filepath.Join(in.Dir, sub)
	dst := filepath.Join(dir, filepath.Base(path))
	err := os.MkdirAll(dir, 0o750)
	if err == nil && reason != "" {
		err = os.WriteFile(strings.TrimSuffix(dst, ".bundle")+".reason", []byte(reason+"\n"), 0o640)
	}
	if err == nil {
		err = os.Rename(path, dst)
	}
	if err != nil {
		in.Log.Error("agent: inbox: cannot move bundle", "file", path, "to", sub, "err", err)
	}
}

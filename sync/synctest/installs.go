package synctest

import (
	"fmt"
	"strings"
	"sync"

	"karta/offline"
	"karta/offline/bundle"
	tapsync "karta/sync"
)

// Installs is an installer that records, as "base→version", what a
// device installed through it, and can refuse a version as a bad bundle,
// for tests of a device falling back.
type Installs struct {
	In tapsync.Installer

	mu     sync.Mutex
	got    []string
	refuse string
}

// Refuse makes the version named ("1→2") fail as a bad bundle from now on.
func (r *Installs) Refuse(version string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.refuse = version
}

var _ tapsync.Installer = (*Installs)(nil)

// InstallBundle installs b through In, unless it is the refused version.
func (r *Installs) InstallBundle(b *bundle.Bundle) (offline.ListVersion, error) {
	r.mu.Lock()
	refuse := r.refuse
	r.mu.Unlock()
	m, err := bundle.PeekManifest(b.Signed)
	if err == nil && fmt.Sprintf("%d→%d", m.Base, m.Version) == refuse {
		return offline.ListVersion{}, fmt.Errorf("synctest: %w", bundle.ErrBadOp)
	}
	v, err := r.In.InstallBundle(b)
	if err == nil {
		r.mu.Lock()
		r.got = append(r.got, fmt.Sprintf("%d→%d", v.Base, v.Version))
		r.mu.Unlock()
	}
	return v, err
}

// String lists the installs in order: "0→1 1→2".
func (r *Installs) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return strings.Join(r.got, " ")
}

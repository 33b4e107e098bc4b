package sync

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"karta/offline"
	"karta/offline/bundle"
)

// ErrNoRoute: an offer whose manifests lead nowhere from the installed
// version (no delta chain from it, no snapshot to start from).
var ErrNoRoute = errors.New("sync: the offer has no way to its latest list version")

// step is one list version to fetch and install: its verified manifest and
// the signed bytes it came in.
type step struct {
	signed []byte
	m      *bundle.Manifest
}

func (s step) String() string { return s.m.Name() }

// plan chooses what to fetch of offer o to bring list from version
// installed (0: none) to the latest version offered: nothing when it is
// installed already, else the shortest chain of offered deltas from the
// installed version, else the newest snapshot that a chain of deltas (none,
// usually) takes to the latest. verify checks each manifest
// (bundle.VerifyManifest); the refused ones come back as errors beside the
// plan. An offer whose latest version is below the installed one is a
// rollback (offline.ErrRollback).
func plan(o ListOffer, installed uint64, verify func([]byte) (*bundle.Manifest, error)) ([]step, []error, error) {
	valid, refused := verifyAll(o, verify)
	if len(valid) == 0 {
		return nil, refused, fmt.Errorf("%w: offer of %s: no manifest passed verification", ErrNoRoute, o.List)
	}
	latest := slices.MaxFunc(valid, func(a, b step) int { return cmp.Compare(a.m.Version, b.m.Version) }).m.Version
	switch {
	case latest < installed:
		return nil, refused, fmt.Errorf("%w: offer of %s: latest v%d, v%d installed", offline.ErrRollback, o.List, latest, installed)
	case latest == installed:
		return nil, refused, nil
	}
	if installed > 0 {
		if chain, ok := deltaChain(valid, installed, latest); ok {
			return chain, refused, nil
		}
	}
	for _, s := range snapshots(valid, installed) {
		if chain, ok := deltaChain(valid, s.m.Version, latest); ok {
			return append([]step{s}, chain...), refused, nil
		}
	}
	return nil, refused, fmt.Errorf("%w: %s v%d from v%d", ErrNoRoute, o.List, latest, installed)
}

func verifyAll(o ListOffer, verify func([]byte) (*bundle.Manifest, error)) ([]step, []error) {
	var valid []step
	var refused []error
	for i, signed := range o.Manifests {
		m, err := verify(signed)
		if err == nil && m.List != o.List {
			err = fmt.Errorf("%w: a manifest of list %s in the offer of %s", ErrPayload, m.List, o.List)
		}
		if err != nil {
			refused = append(refused, fmt.Errorf("manifest %d of %d: %w", i+1, len(o.Manifests), err))
			continue
		}
		valid = append(valid, step{signed: signed, m: m})
	}
	return valid, refused
}

// deltaChain finds the shortest chain of deltas from version from to
// version to (none when from is to), breadth first.
func deltaChain(valid []step, from, to uint64) ([]step, bool) {
	via := map[uint64]step{} // version → the delta that reached it first
	frontier := []uint64{from}
	for len(frontier) > 0 {
		if slices.Contains(frontier, to) {
			return unwind(via, from, to), true
		}
		var next []uint64
		for _, v := range frontier {
			for _, s := range valid {
				_, seen := via[s.m.Version]
				if !s.m.Snapshot() && s.m.Base == v && s.m.Version <= to && !seen && s.m.Version != from {
					via[s.m.Version] = s
					next = append(next, s.m.Version)
				}
			}
		}
		frontier = next
	}
	return nil, false
}

func unwind(via map[uint64]step, from, to uint64) []step {
	var chain []step
	for v := to; v != from; v = via[v].m.Base {
		chain = append(chain, via[v])
	}
	slices.Reverse(chain)
	return chain
}

// snapshots are the offered snapshots above installed, newest first.
func snapshots(valid []step, installed uint64) []step {
	var out []step
	for _, s := range valid {
		if s.m.Snapshot() && s.m.Version > installed {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b step) int { return cmp.Compare(b.m.Version, a.m.Version) })
	return out
}

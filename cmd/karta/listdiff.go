package main

import (
	"context"
	"fmt"
	"io"

	"karta/offline"
	"karta/offline/bundle"
)

// listDiff: karta list diff OLD NEW [--pub KEYFILE]... [--examples N]
func listDiff(_ context.Context, args []string, stdout, stderr io.Writer) int {
	const name = "list diff"
	fs := newFlags(name, stderr)
	var pubs fileList
	fs.Var(&pubs, "pub", "public key `FILE` to verify both bundles with (repeatable; default: signatures not checked)")
	examples := fs.Int("examples", 3, "show up to `N` tokens of each kind of change")
	files, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 2 {
		return usageError(stderr, name, "give two bundle files: OLD NEW")
	}
	old, err := loadSide(files[0], pubs)
	var cur side
	if err == nil {
		cur, err = loadSide(files[1], pubs)
	}
	if err == nil {
		err = comparable(old.m, cur.m)
	}
	if err != nil {
		return failed(stderr, name, err)
	}
	d := &diff{delta: !cur.m.Snapshot(), max: *examples}
	if err := d.run(old.src, cur.src); err != nil {
		return failed(stderr, name, err)
	}
	d.print(stdout, old.m, cur.m, len(pubs) > 0)
	return 0
}

// side is one bundle of a diff: its manifest and its ops.
type side struct {
	m   *bundle.Manifest
	src offline.OpSource
}

// loadSide opens a bundle, verified if keys are given, else inspected.
func loadSide(path string, pubs []string) (side, error) {
	b, err := bundle.ReadFile(path)
	if err != nil {
		return side{}, err
	}
	if len(pubs) == 0 {
		m, src, err := bundle.Inspect(b)
		return side{m, src}, wrapPath(path, err)
	}
	ring, err := bundle.LoadKeyRing(pubs...)
	if err != nil {
		return side{}, err
	}
	v, err := bundle.Open(b, ring, now())
	if err != nil {
		return side{}, wrapPath(path, err)
	}
	m := v.Manifest()
	return side{&m, v}, nil
}

func wrapPath(path string, err error) error {
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// comparable accepts two snapshots of one list, or a snapshot and a delta
// from exactly its version.
func comparable(old, cur *bundle.Manifest) error {
	switch {
	case old.List != cur.List:
		return fmt.Errorf("OLD is list %s, NEW is list %s", old.List, cur.List)
	case !old.Snapshot():
		return fmt.Errorf("OLD must be a snapshot; it is %s", old.Name())
	case !cur.Snapshot() && cur.Base != old.Version:
		return fmt.Errorf("NEW is %s, which does not apply onto OLD v%d", cur.Name(), old.Version)
	}
	return nil
}

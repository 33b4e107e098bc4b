package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"karta/central/store"
	"karta/internal/atomicfile"
	"karta/offline/bundle"
)

// listsExport writes a list's latest stored snapshot as a bundle file:
// what a technician preloads into a new device (its inbox, or
// karta-agent install), so that it decides from its first tap, before it
// ever reaches central.
func listsExport(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central lists export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "var/central.db", "SQLite `PATH` or a postgres:// DSN")
	list := fs.String("list", "", "the `LIST` (bus-fleet, a school)")
	out := fs.String("out", "", "bundle `FILE` to write")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *list == "" || *out == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "usage: karta-central lists export [--db DSN] --list LIST --out FILE")
		return 2
	}
	m, err := exportList(ctx, *db, *list, *out)
	if err != nil {
		fmt.Fprintln(stderr, "karta-central lists export:", err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: %s, %d entries, expires %s\n", *out, m.Name(), m.Ops, m.Expires.Format("2006-01-02 15:04 MST"))
	return 0
}

func exportList(ctx context.Context, db, list, out string) (*bundle.Manifest, error) {
	st, err := store.Open(ctx, db)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	l, ok, err := st.LatestList(ctx, list)
	switch {
	case err != nil:
		return nil, err
	case !ok || l.Base != 0:
		return nil, fmt.Errorf("no snapshot of list %s is stored (karta-central lists build)", list)
	}
	b := &bundle.Bundle{Signed: l.Signed, Chunks: l.Chunks}
	m, err := bundle.PeekManifest(b.Signed)
	if err != nil {
		return nil, err
	}
	// through a temporary file, so that an inbox never sees half a bundle
	return m, atomicfile.Write(out, 0o640, func(w io.Writer) error {
		_, err := b.WriteTo(w)
		return err
	})
}

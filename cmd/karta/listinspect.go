package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"karta/offline"
	"karta/offline/bundle"
)

// listInspect: karta list inspect FILE [--pub KEYFILE]...
func listInspect(_ context.Context, args []string, stdout, stderr io.Writer) int {
	const name = "list inspect"
	fs := newFlags(name, stderr)
	var pubs fileList
	fs.Var(&pubs, "pub", "public key `FILE` to verify with (repeatable)")
	files, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 1 {
		return usageError(stderr, name, "give one bundle FILE")
	}
	b, err := bundle.ReadFile(files[0])
	if err != nil {
		return failed(stderr, name, err)
	}
	m, err := bundle.PeekManifest(b.Signed)
	if err != nil {
		return failed(stderr, name, fmt.Errorf("%s: %w", files[0], err))
	}
	printManifest(stdout, m, b)
	return inspectVerdict(stdout, stderr, b, pubs)
}

func printManifest(w io.Writer, m *bundle.Manifest, b *bundle.Bundle) {
	kind := "snapshot"
	if !m.Snapshot() {
		kind = fmt.Sprintf("delta from v%d", m.Base)
	}
	fmt.Fprintf(w, "list      %s\n", m.List)
	fmt.Fprintf(w, "version   %d (%s)\n", m.Version, kind)
	fmt.Fprintf(w, "issued    %s\n", when(m.Issued))
	fmt.Fprintf(w, "expires   %s (%s)\n", when(m.Expires), untilExpiry(m.Expires))
	fmt.Fprintf(w, "ops       %d\n", m.Ops)
	fmt.Fprintf(w, "chunks    %s\n", chunkSummary(b))
	fmt.Fprintf(w, "key       %s\n", m.KeyID)
}

// inspectVerdict verifies with the keys given, or else checks all but the
// signature and says so.
func inspectVerdict(stdout, stderr io.Writer, b *bundle.Bundle, pubs []string) int {
	if len(pubs) == 0 {
		_, src, err := bundle.Inspect(b)
		if err != nil {
			return refused(stderr, "list inspect", err)
		}
		puts, deletes, err := countOps(src)
		if err != nil {
			return refused(stderr, "list inspect", err)
		}
		fmt.Fprintf(stdout, "contents  %s, %s; chunks match the manifest\n", plural(puts, "put"), plural(deletes, "delete"))
		fmt.Fprintln(stdout, "signature not checked (no --pub)")
		return 0
	}
	ring, err := bundle.LoadKeyRing(pubs...)
	if err != nil {
		return failed(stderr, "list inspect", err)
	}
	if _, err := bundle.Open(b, ring, now()); err != nil {
		return refused(stderr, "list inspect", err)
	}
	fmt.Fprintln(stdout, "signature OK; chunks and ops verified")
	return 0
}

func countOps(src offline.OpSource) (puts, deletes int, err error) {
	for {
		op, err := src.Next()
		switch {
		case errors.Is(err, io.EOF):
			return puts, deletes, nil
		case err != nil:
			return puts, deletes, err
		case op.Entry == nil:
			deletes++
		default:
			puts++
		}
	}
}

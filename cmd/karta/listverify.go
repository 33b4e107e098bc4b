package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"karta/offline/bundle"
)

// listVerify: karta list verify FILE --pub KEYFILE [--pub KEYFILE]...
func listVerify(_ context.Context, args []string, stdout, stderr io.Writer) int {
	const name = "list verify"
	fs := newFlags(name, stderr)
	var pubs fileList
	fs.Var(&pubs, "pub", "public key `FILE` to trust (repeatable; at least one)")
	files, err := parseArgs(fs, args)
	if err != nil {
		return 2
	}
	if len(files) != 1 || len(pubs) == 0 {
		return usageError(stderr, name, "give one bundle FILE and at least one --pub KEYFILE")
	}
	ring, err := bundle.LoadKeyRing(pubs...)
	if err != nil {
		return failed(stderr, name, err)
	}
	v, err := openBundle(files[0], ring)
	if err != nil {
		return refused(stderr, name, err)
	}
	m := v.Manifest()
	fmt.Fprintf(stdout, "OK %s: %d ops, key %s, expires %s\n", m.Name(), m.Ops, m.KeyID, when(m.Expires))
	return 0
}

func openBundle(path string, ring bundle.KeyRing) (*bundle.Verified, error) {
	b, err := bundle.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return bundle.Open(b, ring, now())
}

// refused prints a refusal with a hint and returns exit code 1.
func refused(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "karta %s: REFUSED: %v\n", name, err)
	for _, h := range refusalHints {
		if errors.Is(err, h.err) {
			fmt.Fprintln(stderr, "hint:", h.hint)
			break
		}
	}
	return 1
}

var refusalHints = []struct {
	err  error
	hint string
}{
	{bundle.ErrUnknownKey, "pass the public key of the key named above with --pub (karta keys gen-signing wrote it as list-public-ID.pub)"},
	{bundle.ErrBadSignature, "the manifest was changed after signing, or signed by another key with the same id: do not install it"},
	{bundle.ErrExpired, "build and sign a new version; a device refuses an expired one"},
	{bundle.ErrTruncated, "the file is incomplete: copy it again"},
	{bundle.ErrCorruptChunk, "the file was damaged in transfer: copy it again"},
}

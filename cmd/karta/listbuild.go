package main

import (
	"context"
	"errors"
	"io"
	"time"

	"karta/central/registry"
	"karta/offline/bundle"
)

const buildName = "list build"

// buildFlags are karta list build's flags.
type buildFlags struct {
	list, in, format, from, tokenKey, signingKey, out, state string
	version, base                                            uint64
	expires                                                  time.Duration
	chunkSize                                                int
}

func listBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, code := parseBuildFlags(args, stderr)
	if code != 0 {
		return code
	}
	res, err := build(ctx, f, stderr)
	if err != nil {
		return failed(stderr, buildName, err)
	}
	res.print(stdout, f)
	return 0
}

func parseBuildFlags(args []string, stderr io.Writer) (*buildFlags, int) {
	f := &buildFlags{}
	fs := newFlags(buildName, stderr)
	fs.StringVar(&f.list, "list", "", "list `NAME`, e.g. bus-fleet")
	fs.Uint64Var(&f.version, "version", 0, "the version to build, above every earlier one")
	fs.Uint64Var(&f.base, "base", 0, "build a delta from this `VERSION` (needs --from)")
	fs.StringVar(&f.from, "from", "", "state `FILE` of the base version, written by --state when it was built")
	fs.StringVar(&f.in, "in", "", "registry export `FILE`: CSV with a header row, or JSONL")
	fs.StringVar(&f.format, "format", "", "csv or jsonl (default: by the --in file's extension)")
	fs.StringVar(&f.tokenKey, "token-key", "", "token key `FILE`, to tokenize the registry's pan column")
	fs.StringVar(&f.signingKey, "signing-key", "", "list signing key `FILE`")
	fs.DurationVar(&f.expires, "expires", 720*time.Hour, "how long devices may use the version")
	fs.StringVar(&f.out, "out", "", "bundle `FILE` to write")
	fs.StringVar(&f.state, "state", "", "also write the version's tokenized entries to `FILE`, for the next delta")
	fs.IntVar(&f.chunkSize, "chunk-size", bundle.DefaultChunkSize, "inflated `BYTES` per chunk")
	if err := fs.Parse(args); err != nil {
		return nil, 2
	}
	if msg := f.check(fs.NArg()); msg != "" {
		return nil, usageError(stderr, buildName, "%s", msg)
	}
	return f, 0
}

func (f *buildFlags) check(nargs int) string {
	switch {
	case nargs > 0:
		return "unexpected arguments; every input is a flag"
	case f.list == "" || f.version == 0 || f.in == "" || f.signingKey == "" || f.out == "":
		return "--list, --version, --in, --signing-key and --out are required"
	case (f.base == 0) != (f.from == ""):
		return "a delta needs both --base VERSION and --from STATE-FILE"
	case f.expires <= 0:
		return "--expires must be positive"
	}
	if f.format == "" {
		f.format = registry.Format(f.in)
	}
	if f.format != "csv" && f.format != "jsonl" {
		return "cannot tell the format of " + f.in + ": give --format csv or --format jsonl"
	}
	return ""
}

// build does the work: read and tokenize the registry, make the
// snapshot or delta, sign, and write the bundle and the state.
func build(ctx context.Context, f *buildFlags, stderr io.Writer) (*buildResult, error) {
	if err := refuseExisting(f.out, f.state); err != nil {
		return nil, err
	}
	keys, err := loadBuildKeys(f)
	if err != nil {
		return nil, err
	}
	reg, err := readRegistry(ctx, f.in, f.format, keys.token, stderr)
	if err != nil {
		return nil, err
	}
	res := &buildResult{export: reg}
	if res.bundle, err = res.sign(f, keys.signing); err != nil {
		return nil, err
	}
	return res, res.write(f)
}

// sign makes the snapshot or the delta and signs it, issued now.
func (res *buildResult) sign(f *buildFlags, key *bundle.SigningKey) (*bundle.Bundle, error) {
	w, err := res.writer(f)
	if err != nil {
		return nil, err
	}
	issued := now()
	return w.Sign(key, issued, issued.Add(f.expires))
}

func (res *buildResult) write(f *buildFlags) error {
	err := writeNew(f.out, 0o644, func(w io.Writer) error {
		_, err := res.bundle.WriteTo(w)
		return err
	})
	if err != nil || f.state == "" {
		return err
	}
	return writeNew(f.state, 0o600, func(w io.Writer) error {
		return writeState(w, f.list, f.version, res.entries)
	})
}

var errAllBad = errors.New("every row of the registry is bad; nothing built")

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"karta/central/registry"
	"karta/internal/progress"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/token"
)

// buildKeys are the keys karta list build works with.
type buildKeys struct {
	token   *token.Key // nil: the registry must carry tokens
	signing *bundle.SigningKey
}

func loadBuildKeys(f *buildFlags) (buildKeys, error) {
	var k buildKeys
	var err error
	if k.signing, err = bundle.LoadSigningKey(f.signingKey); err != nil {
		return k, err
	}
	if f.tokenKey != "" {
		k.token, err = token.LoadKey(f.tokenKey)
	}
	return k, err
}

// export is what was read from a registry export.
type export struct {
	path          string
	entries       []*offline.Entry
	rows, skipped int
}

// readRegistry converts every row of the file; bad rows go to stderr by
// line number and are skipped.
func readRegistry(ctx context.Context, path, format string, key *token.Key, stderr io.Writer) (export, error) {
	reg := export{path: path}
	file, err := os.Open(path)
	if err != nil {
		return reg, err
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return reg, err
	}
	in := &progress.Reader{R: file}
	rows, err := registry.NewReader(in, format, key)
	if err != nil {
		return reg, fmt.Errorf("%s: %w", path, err)
	}
	p := progress.New(stderr, "reading "+path, fi.Size())
	defer p.Clear()
	return reg, reg.read(ctx, rows, func(bad error) {
		p.Clear()
		fmt.Fprintf(stderr, "%s %v\n", path, bad)
	}, func() { p.Update(in.N, reg.rows) })
}

// read fills reg from rows; it passes each bad row to bad.
func (reg *export) read(ctx context.Context, rows *registry.Reader, bad func(error), tick func()) error {
	for {
		if reg.rows%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			tick()
		}
		e, err := rows.Next()
		reg.rows = rows.Rows()
		var rowErr *registry.RowError
		switch {
		case errors.Is(err, io.EOF):
			return reg.check()
		case errors.As(err, &rowErr):
			reg.skipped++
			bad(rowErr)
		case err != nil:
			return fmt.Errorf("%s: %w", reg.path, err)
		default:
			reg.entries = append(reg.entries, e)
		}
	}
}

func (reg *export) check() error {
	if reg.skipped > 0 && len(reg.entries) == 0 {
		return errAllBad
	}
	return nil
}

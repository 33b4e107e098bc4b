package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"karta/central/registry"
	"karta/central/store"
	"karta/internal/progress"
	"karta/offline"
	"karta/offline/token"
)

// importBatch is how many entries one PutEntitlements stores.
const importBatch = 5000

type importFlags struct {
	db, tokenKey, format string
	partial              bool
	maxDelete            float64
}

// importCmd reads registry exports into the store's entitlements. A full
// import (the default) also deletes the tokens the exports lack; --partial
// only adds and replaces.
func importCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f importFlags
	fs.StringVar(&f.db, "db", "var/central.db", "SQLite `PATH` or a postgres:// DSN")
	fs.StringVar(&f.tokenKey, "token-key", "", "token key `FILE`, to tokenize the exports' pan column")
	fs.StringVar(&f.format, "format", "", "csv or jsonl (default: by each file's extension)")
	fs.BoolVar(&f.partial, "partial", false, "only add and replace entitlements; delete none")
	fs.Float64Var(&f.maxDelete, "max-delete", 10, "a full import deletes at most this `PERCENT` of the stored cards (beyond 100 cards), else none: a truncated export must not empty the lists")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: karta-central import [--db DSN] [--token-key FILE] [--partial | --max-delete PERCENT] [--format csv|jsonl] FILE...")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return 2
	}
	if err := runImport(ctx, f, fs.Args(), stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "karta-central import:", err)
		return 1
	}
	return 0
}

func runImport(ctx context.Context, f importFlags, files []string, stdout, stderr io.Writer) error {
	var key *token.Key
	if f.tokenKey != "" {
		var err error
		if key, err = token.LoadKey(f.tokenKey); err != nil {
			return err
		}
	}
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return err
	}
	defer st.Close()
	im := &importer{st: st, stderr: stderr, kept: map[string]bool{}}
	for _, path := range files {
		if err := im.file(ctx, path, f.format, key, stdout); err != nil {
			return err
		}
	}
	if im.stored == 0 {
		return errors.New("no good row in the exports; nothing stored, nothing deleted")
	}
	fmt.Fprintf(stdout, "stored %d entitlements\n", im.stored)
	if f.partial {
		fmt.Fprintln(stdout, "--partial: deleted none")
		return nil
	}
	n, err := im.deleteAbsent(ctx, f.maxDelete)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "deleted %d entitlements absent from the exports\n", n)
	return nil
}

// importer stores the entries of exports and remembers every card they
// name (kept), so that a full import deletes only the others. A bad row
// whose card was good keeps that card's entitlement as it was.
type importer struct {
	st     *store.Store
	stderr io.Writer
	kept   map[string]bool
	stored int
}

// file imports one export: good rows stored in batches, bad rows
// reported by line.
func (im *importer) file(ctx context.Context, path, format string, key *token.Key, stdout io.Writer) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	fi, err := file.Stat()
	if err != nil {
		return err
	}
	if format == "" {
		format = registry.Format(path)
	}
	in := &progress.Reader{R: file}
	r, err := registry.NewReader(in, format, key)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	bar := progress.New(im.stderr, "importing "+path, fi.Size())
	defer bar.Clear()
	c := counts{}
	err = im.rows(ctx, r, &c, func(bad error) {
		bar.Clear()
		fmt.Fprintf(im.stderr, "%s %v\n", path, bad)
	}, func() { bar.Update(in.N, r.Rows()) })
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	fmt.Fprintf(stdout, "%s: %d rows, %d entries, %d skipped\n", path, r.Rows(), c.good, c.bad)
	return nil
}

type counts struct{ good, bad int }

func (im *importer) rows(ctx context.Context, r *registry.Reader, c *counts, bad func(error), tick func()) error {
	batch := make([]*offline.Entry, 0, importBatch)
	for {
		e, err := r.Next()
		var re *registry.RowError
		switch {
		case errors.Is(err, io.EOF):
			return im.put(ctx, batch)
		case errors.As(err, &re):
			c.bad++
			if re.Token != "" {
				im.kept[re.Token] = true
			}
			bad(re)
		case err != nil:
			return err
		default:
			c.good++
			im.kept[e.Token] = true
			batch = append(batch, e)
		}
		if len(batch) == importBatch {
			if err := im.put(ctx, batch); err != nil {
				return err
			}
			batch = batch[:0]
			tick()
		}
	}
}

func (im *importer) put(ctx context.Context, batch []*offline.Entry) error {
	if len(batch) == 0 {
		return nil
	}
	n, err := im.st.PutEntitlements(ctx, batch)
	im.stored += n
	return err
}

// deleteAbsent deletes every stored token the exports did not name,
// unless they are more than maxPercent of the stored ones (and more than
// registry.DeleteFloor).
func (im *importer) deleteAbsent(ctx context.Context, maxPercent float64) (int, error) {
	gone, err := registry.Absent(ctx, im.st, im.kept, maxPercent)
	var many *registry.TooManyAbsent
	if errors.As(err, &many) {
		return 0, fmt.Errorf("the exports lack %d of the %d stored cards (%.1f %%), more than --max-delete %g %%: "+
			"deleted none (the rows read are stored); if the export is whole, run again with --max-delete %d",
			many.Absent, many.Stored, many.Share, maxPercent, int(many.Share)+1)
	}
	if err != nil {
		return 0, err
	}
	return len(gone), im.st.DeleteEntitlements(ctx, gone)
}

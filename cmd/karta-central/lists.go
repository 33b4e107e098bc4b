package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"karta/central/lists"
	"karta/central/store"
	"karta/internal/cli"
	"karta/offline/bundle"
)

// listsCmd is karta-central lists build|show.
func listsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, map[string]cli.Command{"build": listsBuild, "show": listsShow, "export": listsExport},
		"usage: karta-central lists build|show|export [flags] (karta-central lists build -h)")
}

type buildFlags struct {
	db, signingKey string
	expires, renew time.Duration
	refresh        bool
}

func listsBuild(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central lists build", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f buildFlags
	fs.StringVar(&f.db, "db", "var/central.db", "SQLite `PATH` or a postgres:// DSN")
	fs.StringVar(&f.signingKey, "signing-key", "", "list signing key `FILE` (karta keys gen-signing)")
	fs.DurationVar(&f.expires, "expires", lists.DefaultExpires, "how long devices may use a version")
	fs.DurationVar(&f.renew, "renew", lists.DefaultRenew, "build an unchanged list again when its latest version expires within this (at most --expires/4)")
	fs.BoolVar(&f.refresh, "refresh", false, "build every list again, changed or not (a new expiry)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if f.signingKey == "" || f.expires <= 0 || f.renew < 0 || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "karta-central lists build: --signing-key is required; --expires must be positive, --renew not negative")
		return 2
	}
	if err := runListsBuild(ctx, f, stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "karta-central lists build:", err)
		return 1
	}
	return 0
}

func runListsBuild(ctx context.Context, f buildFlags, stdout, stderr io.Writer) error {
	key, err := bundle.LoadSigningKey(f.signingKey)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return err
	}
	defer st.Close()
	b := &lists.Builder{Store: st, Key: key, Expires: f.expires, Renew: f.renew,
		Log: slog.New(slog.NewTextHandler(stderr, nil))}
	res, err := b.Build(ctx, f.refresh)
	printBuilt(stdout, res)
	return err
}

func printBuilt(w io.Writer, res []lists.Result) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LIST\tVERSION\tBUILT\tENTRIES\tSNAPSHOT\tDELTA")
	for _, r := range res {
		snap, delta := "-", "-"
		if r.Built() {
			snap = fmt.Sprintf("%s in %d chunk%s", humanBytes(r.SnapshotBytes), r.SnapshotChunks, plural(r.SnapshotChunks))
		}
		if r.Base > 0 {
			delta = fmt.Sprintf("v%d→v%d: %d put%s, %d delete%s, %s", r.Base, r.Version, r.Puts, plural(r.Puts),
				r.Deletes, plural(r.Deletes), humanBytes(r.DeltaBytes))
		}
		fmt.Fprintf(tw, "%s\tv%d\t%s\t%d\t%s\t%s\n", r.List, r.Version, r.Why, r.Entries, snap, delta)
	}
	tw.Flush()
}

func listsShow(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central lists show", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "var/central.db", "SQLite `PATH` or a postgres:// DSN")
	list := fs.String("list", "", "show only this list `NAME`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := runListsShow(ctx, *db, *list, stdout); err != nil {
		fmt.Fprintln(stderr, "karta-central lists show:", err)
		return 1
	}
	return 0
}

func runListsShow(ctx context.Context, db, only string, stdout io.Writer) error {
	st, err := store.Open(ctx, db)
	if err != nil {
		return err
	}
	defer st.Close()
	names, err := st.ListNames(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "LIST\tVERSION\tKIND\tOPS\tCHUNKS\tSIZE\tISSUED\tEXPIRES")
	for _, name := range names {
		if only != "" && name != only {
			continue
		}
		vs, err := st.ListVersions(ctx, name)
		if err != nil {
			return err
		}
		for _, v := range vs {
			showVersion(tw, v)
		}
	}
	return tw.Flush()
}

func showVersion(w io.Writer, v store.ListRow) {
	kind, size := "snapshot", "?"
	if v.Base > 0 {
		kind = fmt.Sprintf("delta from v%d", v.Base)
	}
	if m, err := bundle.PeekManifest(v.Signed); err == nil {
		n := 0
		for _, c := range m.Chunks {
			n += c.Size
		}
		size = humanBytes(n)
	}
	fmt.Fprintf(w, "%s\tv%d\t%s\t%d\t%d\t%s\t%s\t%s\n", v.List, v.Version, kind, v.Ops, v.NChunks, size,
		v.Issued.Format(time.RFC3339), v.Expires.Format(time.RFC3339))
}

// humanBytes shows a size for people.
func humanBytes(n int) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 10<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

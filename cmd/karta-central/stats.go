package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"karta/central/store"
)

// stats prints what central holds: devices, their state, their taps.
func stats(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central stats", flag.ContinueOnError)
	fs.SetOutput(stderr)
	db := fs.String("db", "var/central.db", "SQLite `PATH` or a postgres:// DSN")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	st, err := store.Open(ctx, *db)
	if err != nil {
		fmt.Fprintln(stderr, "karta-central:", err)
		return 1
	}
	defer st.Close()
	devices, err := st.Devices(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "karta-central:", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tROLE\tONLINE\tLAST SEEN\tBACKLOG\tTAPS STORED")
	for _, d := range devices {
		n, err := st.CountTaps(ctx, store.TapQuery{Device: d.ID})
		if err != nil {
			fmt.Fprintln(stderr, "karta-central:", err)
			return 1
		}
		fmt.Fprintf(tw, "%s\t%s\t%v\t%s\t%d\t%d\n", d.ID, d.Role, d.Online, d.LastSeen.Format(time.TimeOnly), d.Backlog, n)
	}
	tw.Flush()
	return 0
}

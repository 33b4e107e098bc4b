package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"

	"karta/central/store"
)

// alertsCmd lists alerts, or resolves one.
func alertsCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("alerts", stderr)
	open := fs.Bool("open", false, "only the unresolved ones")
	limit := fs.Int("limit", 100, "at most this many, newest first")
	resolve := fs.Int64("resolve", 0, "mark alert `ID` resolved (the same alert may be raised again)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return withStore(ctx, *db, "alerts", stderr, func(st *store.Store) error {
		if *resolve != 0 {
			if err := st.ResolveAlert(ctx, *resolve); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "alert %d resolved\n", *resolve)
			return nil
		}
		as, err := st.Alerts(ctx, *open, *limit)
		if err != nil {
			return err
		}
		printAlerts(stdout, as)
		return nil
	})
}

func printAlerts(w io.Writer, as []store.Alert) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAT\tKIND\tDEVICE\tCARD\tSTATE\tDETAIL")
	for _, a := range as {
		state := "open"
		if a.Resolved {
			state = "resolved"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, when(a.At), a.Kind, dash(a.Device), dash(a.Token), state, a.Detail)
	}
	tw.Flush()
}

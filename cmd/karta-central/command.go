package main

import (
	"context"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"karta/central/control"
	"karta/central/store"
	"karta/internal/cli"
	"karta/offline/bundle"
)

// commandCmd is karta-central command send|list.
func commandCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, map[string]cli.Command{"send": commandSend, "list": commandList},
		"usage: karta-central command send|list [flags] (karta-central command send -h)")
}

func commandSend(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("command send", stderr)
	keyFile := fs.String("signing-key", "", "list signing key `FILE` (the key devices pin)")
	device := fs.String("device", "", "device `ID`")
	kind := fs.String("kind", "", "resync, selftest or diagnostics")
	ttl := fs.Duration("ttl", 10*time.Minute, "how long the command may wait for the device")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *keyFile == "" || *device == "" || *kind == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "karta-central command send: --signing-key, --device and --kind are required")
		return 2
	}
	key, err := bundle.LoadSigningKey(*keyFile)
	if err != nil {
		fmt.Fprintln(stderr, "karta-central command send:", err)
		return 1
	}
	return withStore(ctx, *db, "command send", stderr, func(st *store.Store) error {
		c, err := (&control.Issuer{Store: st, Key: key}).Command(ctx, *device, *kind, *ttl)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "command %s (%s) for %s stored; serve sends it once the device is online, until %s\n",
			c.ID, c.Kind, *device, c.Expires.Local().Format(time.DateTime))
		return nil
	})
}

func commandList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("command list", stderr)
	device := fs.String("device", "", "only this device's `ID`")
	limit := fs.Int("limit", 50, "at most this many, newest first")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return withStore(ctx, *db, "command list", stderr, func(st *store.Store) error {
		cs, err := st.Commands(ctx, *device, *limit)
		if err != nil {
			return err
		}
		printCommands(stdout, cs, time.Now())
		return nil
	})
}

func printCommands(w io.Writer, cs []store.Command, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tDEVICE\tKIND\tISSUED\tSENT\tRESULT")
	for _, c := range cs {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", c.ID, c.Device, c.Kind, when(c.Issued), sent(c, now), result(c))
	}
	tw.Flush()
}

func sent(c store.Command, now time.Time) string {
	switch {
	case !c.Sent.IsZero():
		return when(c.Sent)
	case now.After(c.Expires):
		return "expired unsent"
	}
	return "waiting"
}

func result(c store.Command) string {
	r := c.Result
	switch {
	case r == nil:
		return "-"
	case r.OK:
		return fmt.Sprintf("ok %s %s", when(r.At), r.Detail)
	}
	return fmt.Sprintf("FAILED %s %s", when(r.At), r.Detail)
}

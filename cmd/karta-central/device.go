package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"karta/central/control"
	"karta/central/store"
	"karta/internal/cli"
	tapsync "karta/sync"
)

// deviceCmd is karta-central device add|list|revoke.
func deviceCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, map[string]cli.Command{"add": deviceAdd, "list": deviceList, "revoke": deviceRevoke},
		"usage: karta-central device add|list|revoke [flags] (karta-central device add -h)")
}

func deviceAdd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("device add", stderr)
	var d store.Device
	fs.StringVar(&d.ID, "id", "", "device `ID` (a-z, 0-9, -)")
	fs.StringVar(&d.Role, "role", "", "bus, turnstile or canteen")
	fs.StringVar(&d.Route, "route", "", "a bus's `ROUTE`")
	fs.StringVar(&d.School, "school", "", "a turnstile's or canteen's `SCHOOL`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if !tapsync.ValidDeviceID(d.ID) || !slices.Contains(control.Roles, d.Role) || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "karta-central device add: --id (a-z, 0-9, -) and --role bus|turnstile|canteen are required")
		return 2
	}
	return withStore(ctx, *db, "device add", stderr, func(st *store.Store) error {
		verb := "updated"
		if _, err := st.Device(ctx, d.ID); errors.Is(err, store.ErrNotFound) {
			verb = "added"
		} else if err != nil {
			return err
		}
		if err := st.PutDevice(ctx, d); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s %s (%s)\n", verb, d.ID, d.Role)
		return nil
	})
}

func deviceRevoke(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("device revoke", stderr)
	id := fs.String("id", "", "device `ID`")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *id == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "karta-central device revoke: --id is required")
		return 2
	}
	return withStore(ctx, *db, "device revoke", stderr, func(st *store.Store) error {
		if err := st.RevokeDevice(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %s: serve drops it from the embedded broker within %s and refuses it from now on\n", *id, pollEvery)
		return nil
	})
}

func deviceList(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("device list", stderr)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	return withStore(ctx, *db, "device list", stderr, func(st *store.Store) error {
		ds, err := st.Devices(ctx)
		if err != nil {
			return err
		}
		vs, err := st.ConfigVersions(ctx)
		if err != nil {
			return err
		}
		printDevices(stdout, ds, vs)
		return nil
	})
}

func printDevices(w io.Writer, ds []store.Device, vs []store.ConfigVersion) {
	configs := map[string]store.ConfigVersion{}
	for _, v := range vs {
		configs[v.Device] = v
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "DEVICE\tROLE\tROUTE\tSCHOOL\tSTATE\tLAST SEEN\tBACKLOG\tCONFIG RUNS/ISSUED\tAGENT")
	for _, d := range ds {
		c := configs[d.ID]
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d/%d\t%s\n", d.ID, dash(d.Role), dash(d.Route), dash(d.School),
			state(d), when(d.LastSeen), d.Backlog, c.Running, c.Version, dash(d.Agent))
	}
	tw.Flush()
}

func state(d store.Device) string {
	switch {
	case d.Revoked:
		return "revoked"
	case d.Online:
		return "online"
	}
	return "offline"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func when(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Local().Format(time.DateTime)
}

// dbFlags is a flag set for karta-central NAME with its --db.
func dbFlags(name string, stderr io.Writer) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet("karta-central "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs, fs.String("db", "var/central.db", "SQLite `PATH` or a postgres:// DSN")
}

// withStore opens the store, runs f, and turns its error into exit 1.
func withStore(ctx context.Context, db, name string, stderr io.Writer, f func(st *store.Store) error) int {
	st, err := store.Open(ctx, db)
	if err == nil {
		err = f(st)
		st.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "karta-central %s: %s\n", name, strings.TrimPrefix(err.Error(), "karta-central: "))
		return 1
	}
	return 0
}

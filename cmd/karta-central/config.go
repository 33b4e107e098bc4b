package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"karta/central/control"
	"karta/central/store"
	"karta/internal/cli"
	"karta/offline/bundle"
)

// configCmd is karta-central config set.
func configCmd(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, map[string]cli.Command{"set": configSet},
		"usage: karta-central config set --signing-key F --device ID --rules FILE.toml [--db …]")
}

func configSet(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, db := dbFlags("config set", stderr)
	keyFile := fs.String("signing-key", "", "list signing key `FILE` (the key devices pin)")
	device := fs.String("device", "", "device `ID`")
	rulesFile := fs.String("rules", "", "`FILE` of an agent's [rules] table, without its header")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *keyFile == "" || *device == "" || *rulesFile == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "karta-central config set: --signing-key, --device and --rules are required")
		return 2
	}
	rules, err := os.ReadFile(*rulesFile)
	if err != nil {
		fmt.Fprintln(stderr, "karta-central config set:", err)
		return 1
	}
	if _, err := control.CheckRules(string(rules)); err != nil { // before the key or the database
		fmt.Fprintf(stderr, "karta-central config set: %s: %v\n", *rulesFile, err)
		return 1
	}
	key, err := bundle.LoadSigningKey(*keyFile)
	if err != nil {
		fmt.Fprintln(stderr, "karta-central config set:", err)
		return 1
	}
	return withStore(ctx, *db, "config set", stderr, func(st *store.Store) error {
		c, err := (&control.Issuer{Store: st, Key: key}).Config(ctx, *device, string(rules))
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "config %d of %s stored, signed by key %s; serve publishes it\n", c.Version, *device, key.ID())
		return nil
	})
}

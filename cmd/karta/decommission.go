package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"karta/internal/progress"
	tapsync "karta/sync"
)

// decommission: karta decommission --central URL [--token-file F] --id ID
// [--yes]. On a terminal it asks the technician to type the id; anywhere
// else it needs --yes.
func decommission(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return decommissionFrom(ctx, args, os.Stdin, stdout, stderr)
}

func decommissionFrom(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	const name = "decommission"
	fs := newFlags(name, stderr)
	central := fs.String("central", "", "central's API `URL`")
	tokenFile := fs.String("token-file", "", "`FILE` of the API's bearer token")
	id := fs.String("id", "", "device `ID`")
	yes := fs.Bool("yes", false, "do not ask (needed when stdin is not a terminal)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *central == "" || !tapsync.ValidDeviceID(*id) || fs.NArg() > 0 {
		return usageError(stderr, name, "--central URL and --id ID (a-z, 0-9, -) are required")
	}
	if !*yes {
		if err := confirm(stdin, stdout, *id); err != nil {
			return failed(stderr, name, err)
		}
	}
	c, err := newCentralClient(*central, *tokenFile)
	if err != nil {
		return failed(stderr, name, err)
	}
	d, err := c.decommission(ctx, *id)
	if err != nil {
		fmt.Fprintf(stdout, "✗ decommission %s: %v\n", *id, err)
		return 1
	}
	fmt.Fprintf(stdout, "✓ %s decommissioned: revoked at central; %s\n", d.ID, d.Note)
	return 0
}

var errNotConfirmed = errors.New("not confirmed: nothing changed")

// confirm asks for the id to be typed on a terminal.
func confirm(stdin io.Reader, stdout io.Writer, id string) error {
	if f, ok := stdin.(*os.File); !ok || !progress.IsTerminal(f) {
		return errors.New("stdin is not a terminal: give --yes to decommission without asking")
	}
	fmt.Fprintf(stdout, "Decommission %s? It is revoked at central and refused by the broker from now on; its id is never used again.\nType the id to confirm: ", id)
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && line == "" {
		return errNotConfirmed
	}
	if strings.TrimSpace(line) != id {
		return errNotConfirmed
	}
	return nil
}

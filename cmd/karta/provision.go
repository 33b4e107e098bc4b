package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"karta/central/api"
)

// provisionFlags are karta provision's flags.
type provisionFlags struct {
	central, tokenFile string // central's API and its bearer token
	reg                api.Registration
	dir                string // the new device's directory
	broker             string // the broker as the device reaches it
	template           string // agent.toml of the device model: readers, hardware, rules
	tokenKey, listKey  string
	caDir              string // the fleet CA (ca.pem, ca.key); "": the embedded broker's password
	agentBin           string
	replaceFrom        string // the broken device's storage
	testTap            string // sim, reader, none
	timeout            time.Duration
}

const provisionUsage = `usage: karta provision --central URL [--token-file F] --id ID --role bus|turnstile|canteen (--route R | --school S)
       --dir DIR --broker URL --template agent.toml --token-key FILE --list-key FILE [--ca-dir DIR]
       [--agent-bin PATH] [--replace-from OLD_DIR] [--test-tap sim|reader|none]`

func parseProvision(args []string, stderr io.Writer) (provisionFlags, error) {
	fs := newFlags("provision", stderr)
	var f provisionFlags
	fs.StringVar(&f.central, "central", "", "central's API `URL`, e.g. http://central:8080")
	fs.StringVar(&f.tokenFile, "token-file", "", "`FILE` of the API's bearer token (central's --api-token-file)")
	fs.StringVar(&f.reg.ID, "id", "", "device `ID` (a-z, 0-9, -); with --replace-from, the old device's if omitted")
	fs.StringVar(&f.reg.Role, "role", "", "bus, turnstile or canteen")
	fs.StringVar(&f.reg.Route, "route", "", "a bus's `ROUTE`")
	fs.StringVar(&f.reg.School, "school", "", "a turnstile's or canteen's `SCHOOL` (its list, e.g. school-39)")
	fs.StringVar(&f.dir, "dir", "", "the device's `DIR`: empty or missing (an unfinished provisioning of the same id is resumed)")
	fs.StringVar(&f.broker, "broker", "", "the broker `URL` as the device reaches it: tcp://central:1883 or ssl://broker:8883")
	fs.StringVar(&f.template, "template", "", "agent.toml `FILE` of the device model: its readers, hardware and rules (fares, schedules, meals)")
	fs.StringVar(&f.tokenKey, "token-key", "", "the region's token key `FILE`")
	fs.StringVar(&f.listKey, "list-key", "", "the list signing public key `FILE` the device pins")
	fs.StringVar(&f.caDir, "ca-dir", "", "fleet CA `DIR` (ca.pem, ca.key): issue the device a client certificate (external broker)")
	fs.StringVar(&f.agentBin, "agent-bin", "", "karta-agent `PATH` for the selftest and test tap (default: beside karta, else $PATH)")
	fs.StringVar(&f.replaceFrom, "replace-from", "", "the broken device's `DIR` (its storage): carry over its id and its unsynced taps")
	fs.StringVar(&f.testTap, "test-tap", "sim", "sim (a built-in test card), reader (tap a card on the device) or none")
	fs.DurationVar(&f.timeout, "timeout", 2*time.Minute, "how long the test tap may take to reach central")
	if err := fs.Parse(args); err != nil {
		return f, err
	}
	if fs.NArg() > 0 {
		return f, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	return f, f.check()
}

// check refuses what is missing or does not fit together, before anything
// is touched. The registration's own rules (role, route or school) are
// api.Registration.Check's; with --replace-from the id may come from the
// old device.
func (f *provisionFlags) check() error {
	var errs []error
	need := func(ok bool, msg string) {
		if !ok {
			errs = append(errs, errors.New(msg))
		}
	}
	need(f.central != "", "--central URL is required")
	need(strings.HasPrefix(f.central, "http://") || strings.HasPrefix(f.central, "https://") || f.central == "", "--central is an http:// or https:// URL")
	need(f.dir != "", "--dir is required")
	need(strings.HasPrefix(f.broker, "tcp://") || strings.HasPrefix(f.broker, "ssl://"), "--broker is a tcp:// or ssl:// URL")
	need(f.template != "", "--template (the device model's agent.toml) is required")
	need(f.tokenKey != "" && f.listKey != "", "--token-key and --list-key are required")
	need(f.testTap == "sim" || f.testTap == "reader" || f.testTap == "none", "--test-tap is sim, reader or none")
	need(f.timeout > 0, "--timeout must be positive")
	need(f.replaceFrom == "" || f.dir == "" || filepath.Clean(f.replaceFrom) != filepath.Clean(f.dir), "--replace-from is the old device's storage, not --dir")
	reg := f.reg
	if reg.ID == "" && f.replaceFrom != "" {
		reg.ID = "old-id" // known once the old storage is read
	}
	if err := reg.Check(); err != nil {
		errs = append(errs, errors.New(strings.TrimPrefix(err.Error(), "store: invalid argument: ")))
	}
	return errors.Join(errs...)
}

// provision: karta provision — see provisionUsage and docs/OPERATIONS.md.
func provision(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, err := parseProvision(args, stderr)
	if err != nil {
		if !errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(stderr, "karta provision: %v\n%s\n", err, provisionUsage)
		}
		return 2
	}
	p, err := newProvisioning(f, stdout)
	if err != nil {
		fmt.Fprintf(stdout, "✗ %v\n", err)
		return 1
	}
	if err := p.run(ctx); err != nil {
		fmt.Fprintf(stdout, "✗ %v\n", err)
		p.cleanUp()
		return 1
	}
	return 0
}

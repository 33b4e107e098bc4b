package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"karta/agent"
	"karta/hardware"
	"karta/offline"
	"karta/readers/pcsc"
)

// check is one line of the selftest report.
type check struct {
	name string
	err  error
	info string
}

func selftest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, _, err := parseConfig("selftest", args, stderr)
	if err != nil {
		fmt.Fprintln(stdout, "✗ config:", err)
		return 1
	}
	checks := []check{{name: "config", info: cfg.DeviceID + ", " + cfg.Rules.Role}}
	checks = append(checks, keyChecks(cfg)...)
	checks = append(checks, storeChecks(cfg)...)
	checks = append(checks, readerChecks(cfg), hardwareCheck(ctx, cfg), clockCheck(cfg))
	return report(stdout, checks)
}

func report(w io.Writer, checks []check) int {
	code := 0
	for _, c := range checks {
		if c.err != nil {
			fmt.Fprintf(w, "✗ %-8s %v\n", c.name, c.err)
			code = 1
			continue
		}
		fmt.Fprintf(w, "✓ %-8s %s\n", c.name, c.info)
	}
	return code
}

func keyChecks(cfg *agent.Config) []check {
	k, err := loadKeys(cfg)
	if err != nil {
		return []check{{name: "keys", err: err}}
	}
	return []check{{name: "keys", info: fmt.Sprintf("token key %s, list keys %v", k.token.ID(), k.lists.IDs())}}
}

// storeChecks opens both stores read-only: a selftest changes nothing it
// checks, not even the boot count.
func storeChecks(cfg *agent.Config) []check {
	return []check{listsCheck(cfg), journalCheck(cfg)}
}

func listsCheck(cfg *agent.Config) check {
	if missing(cfg.ListsPath()) {
		return check{name: "lists", info: "none installed yet"}
	}
	l, err := offline.OpenLists(cfg.ListsPath(), offline.ListsOptions{ReadOnly: true})
	if err != nil {
		return check{name: "lists", err: inUse(err)}
	}
	defer l.Close()
	return check{name: "lists", err: l.Check(), info: listInfo(cfg, l)}
}

func journalCheck(cfg *agent.Config) check {
	if missing(cfg.JournalPath()) {
		return check{name: "journal", info: "not created yet: the agent creates it on its first run"}
	}
	j, err := offline.OpenJournal(cfg.JournalPath(), offline.JournalOptions{ReadOnly: true, MaxTaps: cfg.JournalMaxTaps})
	if err != nil {
		return check{name: "journal", err: inUse(err)}
	}
	defer j.Close()
	js := j.Stats()
	c := check{name: "journal", err: j.Check(),
		info: fmt.Sprintf("%d unsynced of %d, next seq %d, last boot %d", js.Backlog, js.Capacity, js.NextSeq, js.Boot)}
	if c.err == nil && js.Alarm {
		c.err = fmt.Errorf("%d of %d unsynced taps: over 80 %%, sync the device", js.Backlog, js.Capacity)
	}
	return c
}

func missing(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}

// listInfo describes the lists the rules consult; a missing one is not an
// integrity error but is said plainly.
func listInfo(cfg *agent.Config, lists *offline.Lists) string {
	var parts []string
	for _, name := range cfg.Rules.Lists {
		st, ok := lists.State(name)
		if !ok {
			parts = append(parts, name+" NOT INSTALLED")
			continue
		}
		parts = append(parts, fmt.Sprintf("%s v%d, %d entries, issued %s ago", name, st.Version, st.Entries, st.Age(time.Now()).Round(time.Minute)))
	}
	return strings.Join(parts, "; ")
}

func readerChecks(cfg *agent.Config) check {
	rs, closeReaders, err := openReaders(cfg)
	defer closeReaders()
	if err != nil {
		return check{name: "readers", err: err}
	}
	var names []string
	for _, r := range rs {
		names = append(names, r.reader.Name())
	}
	return check{name: "readers", info: strings.Join(names, ", ") + pcscSeen(cfg)}
}

// pcscSeen lists the readers PC/SC sees, when the config uses it.
func pcscSeen(cfg *agent.Config) string {
	for _, rc := range cfg.Readers {
		if rc.Driver != "pcsc" {
			continue
		}
		c, err := pcsc.Open(pcsc.Options{})
		if err != nil {
			return "; PC/SC: " + err.Error()
		}
		defer c.Close()
		names, err := c.Readers()
		if err != nil {
			return "; PC/SC: " + err.Error()
		}
		return fmt.Sprintf("; PC/SC sees %q", names)
	}
	return ""
}

// hardwareCheck opens the outputs and leaves them in their safe state.
func hardwareCheck(ctx context.Context, cfg *agent.Config) check {
	out, err := openHardware(cfg, io.Discard)
	if err != nil {
		return check{name: "hardware", err: err}
	}
	defer out.close(ctx)
	if out.Indicator != nil {
		if err := out.Indicator.Set(hardware.Off); err != nil {
			return check{name: "hardware", err: err}
		}
	}
	return check{name: "hardware", info: cfg.Hardware.Driver}
}

func clockCheck(cfg *agent.Config) check {
	c := agent.SystemClock{Trusted: cfg.Clock == "trusted"}
	if c.Synced() {
		return check{name: "clock", info: "synchronised, " + c.Now().Format(time.RFC3339)}
	}
	return check{name: "clock", info: "NOT synchronised: taps will be flagged, " + c.Now().Format(time.RFC3339)}
}

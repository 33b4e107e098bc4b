package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"karta/agent"
	"karta/hardware"
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

func storeChecks(cfg *agent.Config) []check {
	st, err := openStores(cfg)
	if err != nil {
		return []check{{name: "stores", err: err}}
	}
	defer st.close()
	out := []check{{name: "lists", err: st.lists.Check(), info: listInfo(cfg, st)}}
	js := st.journal.Stats()
	jc := check{name: "journal", err: st.journal.Check(),
		info: fmt.Sprintf("%d unsynced of %d, next seq %d, boot %d", js.Backlog, js.Capacity, js.NextSeq, js.Boot)}
	if jc.err == nil && js.Alarm {
		jc.err = fmt.Errorf("%d of %d unsynced taps: over 80 %%, sync the device", js.Backlog, js.Capacity)
	}
	return append(out, jc)
}

// listInfo describes the lists the rules consult; a missing one is not an
// integrity error but is said plainly.
func listInfo(cfg *agent.Config, st *stores) string {
	var s string
	for _, name := range cfg.Rules.Lists {
		st, ok := st.lists.State(name)
		if !ok {
			s += fmt.Sprintf("%s NOT INSTALLED; ", name)
			continue
		}
		s += fmt.Sprintf("%s v%d, %d entries, issued %s ago; ", name, st.Version, st.Entries, st.Age(time.Now()).Round(time.Minute))
	}
	return s
}

func readerChecks(cfg *agent.Config) check {
	rs, err := openReaders(cfg)
	if err != nil {
		return check{name: "readers", err: err}
	}
	info := ""
	for _, r := range rs {
		info += r.reader.Name() + " "
	}
	return check{name: "readers", info: info}
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

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"karta/central/broker"
	"karta/sim/fleet"
)

// fleetFlags are the settings of karta-sim fleet.
type fleetFlags struct {
	opts            fleet.Options
	url, secretFile string
	roles           string
	batch, window   int
	verbose         bool
	agents          agentList // real karta-agents instead of simulated devices
	agentBin        string
}

func parseFleet(args []string, stderr io.Writer) (*fleetFlags, bool) {
	fs := flag.NewFlagSet("karta-sim fleet", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &fleetFlags{}
	o := &f.opts
	fs.StringVar(&f.url, "broker", "tcp://127.0.0.1:1883", "MQTT broker `URL` (karta-central's embedded one, or an external one)")
	fs.StringVar(&f.secretFile, "secret-file", "", "central's secret `FILE`: device passwords derive from it (embedded broker); none: no credentials")
	fs.IntVar(&o.Devices, "devices", 100, "how many devices")
	fs.StringVar(&f.roles, "roles", "bus,turnstile,canteen", "`ROLES` the devices take in turn")
	fs.StringVar(&o.Prefix, "prefix", "sim", "device ids are `PREFIX`-ROLE-N")
	fs.Float64Var(&o.Rate, "rate", 0.5, "taps per second per device (0: none)")
	fs.Float64Var(&o.Jitter, "jitter", 0.5, "spread of the time between taps, 0..1")
	fs.DurationVar(&o.Duration, "duration", 0, "tap for `D` (default 1m when --taps is not given)")
	fs.IntVar(&o.Taps, "taps", 0, "taps per device, then stop tapping")
	fs.IntVar(&o.Backlog, "backlog", 0, "taps in each journal before the links start")
	fs.StringVar(&o.Journal, "journal", fleet.JournalMemory, "journal per device: memory or bbolt")
	fs.StringVar(&o.Dir, "data", "var/sim-fleet", "`DIR` of the bbolt journals (DIR/DEVICE/journal.db)")
	fs.DurationVar(&o.Stagger, "stagger", 0, "devices connect within `D` (default 1s)")
	fs.DurationVar(&o.OutageEvery, "outage-every", 0, "cut a share of the devices' links every `D`")
	fs.DurationVar(&o.OutageFor, "outage-for", 0, "for `D`, then bring them back")
	fs.Float64Var(&o.OutageShare, "outage-share", 0.2, "share of the devices an outage cuts, 0..1")
	fs.DurationVar(&o.DrainTimeout, "drain-timeout", 0, "after tapping, wait at most `D` for the backlogs (default 2m)")
	fs.DurationVar(&o.ProgressEvery, "progress", 0, "print progress every `D` (default 5s)")
	fs.IntVar(&f.batch, "batch", 0, "taps per batch (default: the link's, 500)")
	fs.IntVar(&f.window, "window", 0, "batches in flight per device (default: the link's, 4)")
	fs.Uint64Var(&o.Seed, "seed", 1, "seed of the taps, stagger and outages")
	fs.BoolVar(&f.verbose, "v", false, "log the links' warnings (outages make many)")
	fs.Var(&f.agents, "agent", "run a real karta-agent with config `FILE` instead of simulated devices (repeat per device)")
	fs.StringVar(&f.agentBin, "agent-bin", "bin/karta-agent", "the karta-agent `BINARY` --agent runs")
	if err := fs.Parse(args); err != nil {
		return nil, false
	}
	if o.Duration == 0 && o.Taps == 0 {
		o.Duration = defaultFleetDuration
	}
	o.Roles = strings.Split(f.roles, ",")
	o.Link.Batch, o.Link.Window = f.batch, f.window
	return f, true
}

// defaultFleetDuration bounds a run given neither --duration nor --taps.
const defaultFleetDuration = time.Minute

// fleetCommand runs a simulated fleet against a broker until its taps are
// made and acked (or Ctrl-C), printing progress and a summary.
func fleetCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, ok := parseFleet(args, stderr)
	if !ok {
		return 2
	}
	if len(f.agents) > 0 {
		if st, err := os.Stat(f.agentBin); err != nil || st.IsDir() || st.Mode()&0o111 == 0 {
			fmt.Fprintln(stderr, "karta-sim fleet:", errNoAgentBin, f.agentBin)
			return 2
		}
		return runAgents(ctx, f.agentBin, f.agents, stdout, stderr)
	}
	if err := f.wire(stdout, stderr); err != nil {
		fmt.Fprintln(stderr, "karta-sim fleet:", err)
		return 2
	}
	fl, err := fleet.New(f.opts)
	if err != nil {
		fmt.Fprintln(stderr, "karta-sim fleet:", err)
		return 2
	}
	fmt.Fprintf(stdout, "fleet: %d devices (%s journals) to %s\n", f.opts.Devices, f.opts.Journal, f.url)
	s, err := fl.Run(ctx)
	fmt.Fprintln(stdout, "fleet:", s)
	if err != nil {
		fmt.Fprintln(stderr, "karta-sim fleet:", err)
		return 1
	}
	if !s.Drained && !s.Interrupted {
		return 1
	}
	return 0
}

// wire sets the dialer (with passwords from central's secret, if given),
// the log and the progress printer (on stdout, from the fleet's monitor
// goroutine, while Run owns the command).
func (f *fleetFlags) wire(stdout, stderr io.Writer) error {
	var password func(string) string
	if f.secretFile != "" {
		secret, err := broker.ReadSecret(f.secretFile) // never made here: that is central's
		if err != nil {
			return fmt.Errorf("central's secret: %w", err)
		}
		password = broker.Passwords{Secret: secret}.For
	}
	f.opts.Dial = fleet.DialMQTT(f.url, password, 0)
	level := slog.LevelError
	if f.verbose {
		level = slog.LevelWarn
	}
	f.opts.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	f.opts.Progress = func(p fleet.Progress) { fmt.Fprintln(stdout, "fleet:", p) }
	return nil
}

package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"karta/readers/transcript"
	"karta/sim"
	"karta/sim/vpcd"
)

// vpcdFlags are the settings of karta-sim vpcd.
type vpcdFlags struct {
	card, transcript, addr, atr string
	count, dropAfter            int
	hold, gap, delay            time.Duration
	verbose                     bool
}

// parseVPCD parses the flags; on a mistake it says why on stderr.
func parseVPCD(args []string, stderr io.Writer) (*vpcdFlags, bool) {
	fs := flag.NewFlagSet("karta-sim vpcd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &vpcdFlags{}
	fs.StringVar(&f.card, "card", "", "virtual card `NAME` to insert (karta-sim cards lists them)")
	fs.StringVar(&f.transcript, "transcript", "", "insert a card answering from the transcript `FILE`")
	fs.StringVar(&f.addr, "addr", vpcd.DefaultAddr, "vpcd's `address` (35963: Virtual PCD 00 00, 35964: 00 01)")
	fs.StringVar(&f.atr, "atr", "", "the card's ATR in `HEX` (default 3B80800101, contactless ISO 14443-4)")
	fs.IntVar(&f.count, "count", 1, "insert the card `N` times; 0: until Ctrl-C")
	fs.DurationVar(&f.hold, "hold", 0, "take the card out after `D` (default: keep it in until Ctrl-C)")
	fs.DurationVar(&f.gap, "gap", time.Second, "wait `D` with the reader empty between insertions")
	fs.DurationVar(&f.delay, "delay", 0, "answer every APDU `D` late (a slow card)")
	fs.IntVar(&f.dropAfter, "drop-after", 0, "take the card away after `N` APDUs, mid-exchange")
	fs.BoolVar(&f.verbose, "v", false, "log power commands and every APDU's status word")
	if err := fs.Parse(args); err != nil {
		return nil, false
	}
	if (f.card == "") == (f.transcript == "") {
		fmt.Fprintln(stderr, "karta-sim vpcd: give one of --card NAME and --transcript FILE")
		return nil, false
	}
	return f, true
}

// vpcdCommand connects a virtual card to vsmartcard's vpcd driver in
// pcscd, so that PC/SC programs (karta-agent, pcsc_scan) see it in a reader.
func vpcdCommand(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, ok := parseVPCD(args, stderr)
	if !ok {
		return 2
	}
	present, name, err := f.responder()
	opts, err2 := f.options(stdout)
	if err = errors.Join(err, err2); err != nil {
		fmt.Fprintln(stderr, "karta-sim:", err)
		return 2
	}
	c := vpcd.NewClient(opts)
	defer c.Close()
	insertions(ctx, c, present, f, func(format string, a ...any) {
		fmt.Fprintf(stdout, "karta-sim: "+name+": "+format+"\n", a...)
	})
	return 0
}

// responder makes the presentations of the chosen card.
func (f *vpcdFlags) responder() (func() vpcd.Responder, string, error) {
	if f.transcript != "" {
		t, err := transcript.ParseFile(f.transcript)
		if err != nil {
			return nil, "", err
		}
		return func() vpcd.Responder { return transcript.NewCard(t) }, "transcript " + f.transcript, nil
	}
	card, ok := sim.Lookup(f.card)
	if !ok {
		return nil, "", fmt.Errorf("no virtual card %q; there are: %s", f.card, strings.Join(sim.Names(), ", "))
	}
	return func() vpcd.Responder { return card.Insert() }, card.Name, nil
}

func (f *vpcdFlags) options(stdout io.Writer) (vpcd.Options, error) {
	level := slog.LevelInfo
	if f.verbose {
		level = slog.LevelDebug
	}
	opts := vpcd.Options{Addr: f.addr, Delay: f.delay, DropAfter: f.dropAfter,
		Log: slog.New(slog.NewTextHandler(stdout, &slog.HandlerOptions{Level: level}))}
	if f.atr != "" {
		atr, err := hex.DecodeString(strings.ReplaceAll(f.atr, " ", ""))
		if err != nil || len(atr) < 2 || len(atr) > 33 {
			return opts, fmt.Errorf("--atr %q: want 2 to 33 bytes in hex", f.atr)
		}
		opts.ATR = atr
	}
	return opts, nil
}

// insertions inserts the card f.count times (0: until ctx ends), each time
// until f.hold has passed, the card has left by itself or ctx has ended.
func insertions(ctx context.Context, c *vpcd.Client, present func() vpcd.Responder, f *vpcdFlags, say func(string, ...any)) {
	for i := 1; f.count == 0 || i <= f.count; i++ {
		say("inserting into vpcd at %s (%s); Ctrl-C to stop", f.addr, ordinal(i, f.count))
		if err := c.Insert(present); err != nil {
			say("%v", err)
			return
		}
		hold(ctx, c, f.hold)
		c.Remove()
		say("taken out after %d APDUs in all", c.Answered())
		if ctx.Err() != nil || !wait(ctx, f.gap) {
			return
		}
	}
}

// hold waits while the card stays in: d (0: for ever), until it leaves by
// itself, or until ctx ends.
func hold(ctx context.Context, c *vpcd.Client, d time.Duration) {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-ctx.Done():
	case <-c.Removed():
	case <-timeout:
	}
}

func wait(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

func ordinal(i, count int) string {
	if count == 0 {
		return fmt.Sprintf("insertion %d", i)
	}
	return fmt.Sprintf("insertion %d of %d", i, count)
}

package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"karta/readers/transcript"
	"karta/sim"
	simpn532 "karta/sim/pn532"
)

// pn532Stdin is where karta-sim pn532 reads its commands; tests replace it.
var pn532Stdin io.Reader = os.Stdin

// pn532Flags are the settings of karta-sim pn532.
type pn532Flags struct {
	card, transcript string
	opts             simpn532.Options
	verbose          bool
}

func parsePN532(args []string, stderr io.Writer) (*pn532Flags, bool) {
	fs := flag.NewFlagSet("karta-sim pn532", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := &pn532Flags{}
	fs.StringVar(&f.card, "card", "", "virtual card `NAME` in the field at start (karta-sim cards lists them)")
	fs.StringVar(&f.transcript, "transcript", "", "a card answering from the transcript `FILE` in the field at start")
	fs.StringVar(&f.opts.Link, "link", "", "keep a symlink at `PATH` to the pty, across disconnect and reconnect")
	fs.Float64Var(&f.opts.Faults.Noise, "noise", 0, "chance `P` of a burst of garbage bytes before each frame")
	fs.DurationVar(&f.opts.Faults.Slow, "slow", 0, "answer every command `D` after its ACK")
	fs.Float64Var(&f.opts.Faults.DropACK, "drop-ack", 0, "chance `P` that an ACK is left out")
	fs.Float64Var(&f.opts.Faults.Corrupt, "corrupt", 0, "chance `P` that an answer's checksum is wrong")
	fs.Float64Var(&f.opts.Faults.Truncate, "truncate", 0, "chance `P` that an answer is cut short")
	fs.IntVar(&f.opts.MaxDataIn, "max-data-in", 0, "card data per InDataExchange answer before MI chaining (default 252)")
	fs.Uint64Var(&f.opts.Seed, "seed", 1, "seed of the fault dice")
	fs.BoolVar(&f.verbose, "v", false, "log commands and statuses (never APDU data)")
	if err := fs.Parse(args); err != nil {
		return nil, false
	}
	if f.card != "" && f.transcript != "" {
		fmt.Fprintln(stderr, "karta-sim pn532: give at most one of --card NAME and --transcript FILE")
		return nil, false
	}
	return f, true
}

// present makes fresh presentations of the card of the flags; nil: none.
func (f *pn532Flags) present() (func() simpn532.Responder, error) {
	if f.card != "" {
		return simCard(f.card)
	}
	if f.transcript == "" {
		return nil, nil
	}
	t, err := transcript.ParseFile(f.transcript)
	if err != nil {
		return nil, err
	}
	return func() simpn532.Responder { return transcript.NewCard(t) }, nil
}

func simCard(name string) (func() simpn532.Responder, error) {
	card, ok := sim.Lookup(name)
	if !ok {
		return nil, fmt.Errorf("no virtual card %q; there are: %s", name, strings.Join(sim.Names(), ", "))
	}
	return func() simpn532.Responder { return card.Insert() }, nil
}

// pn532Command runs a PN532 emulator on a pty: it prints the path a driver
// opens (karta-agent's pn532 reader, or anything speaking to a PN532 over
// HSU), then takes commands on standard input until Ctrl-C.
func pn532Command(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	f, ok := parsePN532(args, stderr)
	if !ok {
		return 2
	}
	c := &pn532Console{}
	var err error
	if c.present, err = f.present(); err != nil {
		fmt.Fprintln(stderr, "karta-sim:", err)
		return 2
	}
	level := slog.LevelWarn
	if f.verbose {
		level = slog.LevelDebug
	}
	f.opts.Log = slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	if c.e, err = simpn532.New(f.opts); err != nil {
		fmt.Fprintln(stderr, "karta-sim:", err)
		return 1
	}
	defer c.e.Close()
	c.insert(nil)
	fmt.Fprintln(stdout, c.e.Path())
	fmt.Fprintln(stderr, "karta-sim: PN532 emulator serving; commands: "+pn532Help+"; Ctrl-C to stop")
	c.run(ctx, stdout)
	return 0
}

// pn532Console runs the commands typed at karta-sim pn532.
type pn532Console struct {
	e       *simpn532.Emulator
	present func() simpn532.Responder // the card "insert" inserts; nil: none yet
}

const pn532Help = "insert [NAME], remove, hang, resume, disconnect, reconnect, stats"

var pn532Actions = map[string]func(c *pn532Console, args []string) string{
	"insert":     (*pn532Console).insert,
	"remove":     func(c *pn532Console, _ []string) string { c.e.Remove(); return "card removed" },
	"hang":       func(c *pn532Console, _ []string) string { c.e.Hang(true); return "PN532 hung" },
	"resume":     func(c *pn532Console, _ []string) string { c.e.Hang(false); return "PN532 answering" },
	"disconnect": func(c *pn532Console, _ []string) string { return errOr(c.e.Disconnect(), "disconnected") },
	"reconnect":  func(c *pn532Console, _ []string) string { return errOr(c.e.Reconnect(), c.e.Path()) },
	"stats":      func(c *pn532Console, _ []string) string { return fmt.Sprintf("%+v", c.e.Stats()) },
}

// run runs the commands read from pn532Stdin until ctx ends; the end of
// the input leaves the emulator serving.
func (c *pn532Console) run(ctx context.Context, out io.Writer) {
	lines := make(chan string)
	go func() { // blocked in Read at exit: the process ends it
		defer close(lines)
		for sc := bufio.NewScanner(pn532Stdin); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return
		case line, ok := <-lines:
			if !ok {
				lines = nil
				continue
			}
			fmt.Fprintln(out, c.do(line))
		}
	}
}

// do runs one command line and says what came of it.
func (c *pn532Console) do(line string) string {
	words := strings.Fields(line)
	if len(words) == 0 || pn532Actions[words[0]] == nil {
		return "commands: " + pn532Help
	}
	return pn532Actions[words[0]](c, words[1:])
}

// insert puts the card in the field: the named virtual card, else the one
// of the flags, if any.
func (c *pn532Console) insert(args []string) string {
	if len(args) > 0 {
		p, err := simCard(args[0])
		if err != nil {
			return err.Error()
		}
		c.present = p
	}
	if c.present == nil {
		return "insert what? give a card NAME"
	}
	c.e.Insert(c.present())
	return "card inserted"
}

func errOr(err error, ok string) string {
	if err != nil {
		return err.Error()
	}
	return ok
}

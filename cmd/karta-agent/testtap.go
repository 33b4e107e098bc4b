package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"karta/agent"
	"karta/readers"
	"karta/sim"
)

// TestCard is the virtual card of a simulated test tap, and TestReader
// the name its taps carry in the journal and at central.
const (
	TestCard   = "mir-debit"
	TestReader = "test-tap"
)

// testTap is karta-agent testtap: one tap through the whole device — read,
// decide, journal, signal — then the link, until central has acked it.
// It proves the device's identity, its keys, its link and central end to
// end; karta provision runs it last. With --card sim the tap is the
// built-in test card on a virtual reader; with --card reader it is the
// first card a technician taps on any configured reader.
func testTap(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var mode string
	var within time.Duration
	cfg, _, err := parseConfig("testtap", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&mode, "card", "sim", "sim: the built-in test card on a virtual reader; reader: a card tapped on the configured readers")
		fs.DurationVar(&within, "timeout", 2*time.Minute, "how long to wait for the card and for central's ack")
	})
	if err == nil && mode != "sim" && mode != "reader" {
		err = fmt.Errorf("--card %q: sim or reader", mode)
	}
	if err == nil && cfg.Sync.Broker == "" {
		err = errors.New("the config has no [sync] broker: a test tap proves the link to central")
	}
	if err != nil {
		fmt.Fprintln(stderr, "karta-agent testtap:", err)
		return 2
	}
	log := newLogger(cfg.LogLevel, stderr)
	ctx, cancel := context.WithTimeout(ctx, within)
	defer cancel()
	res, err := runTestTap(ctx, cfg, mode, log, stdout)
	if err != nil {
		fmt.Fprintln(stdout, "✗ test tap:", err)
		return 1
	}
	verdict := "allowed"
	if !res.Decision.Allowed {
		verdict = "denied"
	}
	fmt.Fprintf(stdout, "✓ test tap: seq %d, %s (%s), token %s, stored by central\n", res.Seq, verdict, res.Decision.Reason, shortToken(res.Token))
	return 0
}

func runTestTap(ctx context.Context, cfg *agent.Config, mode string, log *slog.Logger, stdout io.Writer) (agent.Result, error) {
	r, closeRun, err := openRun(cfg, log, stdout)
	if err != nil {
		return agent.Result{}, err
	}
	defer closeRun()
	stopLink, err := startLink(ctx, r, log)
	if err != nil {
		return agent.Result{}, err
	}
	defer stopLink()
	if mode == "reader" {
		fmt.Fprintln(stdout, "tap a card on the reader…")
	}
	card, reader, direction, closeReaders, err := firstCard(ctx, cfg, mode)
	defer closeReaders()
	if err != nil {
		return agent.Result{}, err
	}
	res := r.dev.Tap(ctx, card, reader, direction)
	card.WaitRemoved(ctx) // the person takes it back; a virtual card at once
	card.Close()
	if res.Seq == 0 {
		return res, fmt.Errorf("the tap was not journaled (%s): see the agent's log", res.Decision.Reason)
	}
	return res, waitAcked(ctx, r, res.Seq)
}

// firstCard is the test card on a virtual reader, or the first card
// presented at any configured reader; close releases the readers once the
// card is done with.
func firstCard(ctx context.Context, cfg *agent.Config, mode string) (card readers.Card, reader, direction string, close func(), err error) {
	if mode == "sim" {
		c, _ := sim.Lookup(TestCard) // in the catalogue: a test says so
		r := &sim.Reader{ReaderName: TestReader, Cards: []*sim.Card{c}, Count: 1}
		card, err := r.WaitCard(ctx)
		return card, TestReader, testDirection(cfg), func() {}, err
	}
	rs, close, err := openReaders(cfg)
	if err != nil {
		return nil, "", "", close, err
	}
	card, reader, direction, err = waitAny(ctx, rs)
	return card, reader, direction, close, err
}

// testDirection: a turnstile decides an entry; other roles have none.
func testDirection(cfg *agent.Config) string {
	if cfg.Rules.Role == agent.RoleTurnstile {
		return "in"
	}
	return ""
}

type presented struct {
	card   readers.Card
	reader configuredReader
	err    error
}

// waitAny waits on every reader for a card; the first wins, the others
// stop waiting.
func waitAny(ctx context.Context, rs []configuredReader) (readers.Card, string, string, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	got := make(chan presented, len(rs))
	for _, r := range rs {
		go func() {
			c, err := r.reader.WaitCard(ctx)
			got <- presented{c, r, err}
		}()
	}
	var errs []error
	for range rs {
		p := <-got
		if p.err == nil {
			cancel()
			go drainCards(got, len(rs)-len(errs)-1)
			return p.card, p.reader.reader.Name(), p.reader.direction, nil
		}
		errs = append(errs, fmt.Errorf("reader %s: %w", p.reader.reader.Name(), p.err))
	}
	return nil, "", "", errors.Join(errs...)
}

// drainCards closes the cards of the readers that lost the race.
func drainCards(got <-chan presented, n int) {
	for range n {
		if p := <-got; p.err == nil {
			p.card.Close()
		}
	}
}

// waitAcked waits until central has acked seq: the journal drops a tap
// only then.
func waitAcked(ctx context.Context, r *agentRun, seq uint64) error {
	t := time.NewTicker(50 * time.Millisecond)
	defer t.Stop()
	for {
		ts, err := r.st.journal.Range(seq, 1)
		if err != nil {
			return err
		}
		if len(ts) == 0 || ts[0].Seq != seq {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("seq %d is journaled but central has not acked it: is the broker reachable, the device's password or certificate right? (%w)", seq, ctx.Err())
		case <-t.C:
		}
	}
}

// shortToken shows a token's key id and first characters: enough to find
// it at central.
func shortToken(tok string) string {
	if len(tok) > 12 {
		return tok[:12] + "…"
	}
	if tok == "" {
		return "none (card not read)"
	}
	return tok
}

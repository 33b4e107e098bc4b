package pn532

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"karta/readers"
)

// Card is one presentation of an ISO 14443-4 card in the PN532's field.
type Card struct {
	readers.Presence // Err, Remove; Close and WaitRemoved are overridden

	dev    *device
	gen    uint64
	target Target
	log    *slog.Logger
	name   string
}

var _ readers.Card = (*Card)(nil)

// Target returns what the PN532 learnt activating the card.
func (c *Card) Target() Target { return c.target }

// Transmit implements readers.Card with InDataExchange; an answer longer
// than one frame arrives in pieces (MI chaining) and is returned whole.
func (c *Card) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := c.Presence.Err(); err != nil {
		return nil, fmt.Errorf("pn532: %s: %w", c.name, err)
	}
	if len(command) > MaxAPDU {
		return nil, fmt.Errorf("pn532: command of %d bytes, at most %d", len(command), MaxAPDU)
	}
	resp, frames, err := c.dev.exchange(ctx, c.gen, c.target.Tg, command)
	if err != nil {
		return nil, c.failed(err)
	}
	c.log.Debug("pn532: exchange", "reader", c.name, "cmd", fmt.Sprintf("%X", header(command)),
		"len", len(command), "resp_len", len(resp), "frames", frames, "sw", fmt.Sprintf("%X", sw(resp)))
	return resp, nil
}

// failed marks the card gone when err says so.
func (c *Card) failed(err error) error {
	if errors.Is(err, readers.ErrCardRemoved) {
		c.Presence.Remove()
	}
	c.log.Debug("pn532: exchange failed", "reader", c.name, "err", err)
	return err
}

// header is the CLA INS P1 P2 of a command APDU: what may be logged of it.
func header(apdu []byte) []byte { return apdu[:min(4, len(apdu))] }

// sw is the status word of a response APDU: what may be logged of it.
func sw(resp []byte) []byte { return resp[max(0, len(resp)-2):] }

// WaitRemoved implements readers.Card: it checks every PollInterval that
// the card still answers (Diagnose, attention request). A device that
// fails or is reset counts as the card gone: the PN532 has let go of it.
func (c *Card) WaitRemoved(ctx context.Context) error {
	for {
		if c.Presence.Err() != nil {
			return nil
		}
		present, err := c.dev.present(ctx, c.gen)
		if err != nil && ctx.Err() != nil {
			return ctx.Err()
		}
		if !present {
			c.Presence.Remove()
			return nil
		}
		if err := c.idle(ctx); err != nil {
			return err
		}
	}
}

// idle waits one PollInterval, less if the card is closed meanwhile; it
// returns ctx.Err() if ctx ended.
func (c *Card) idle(ctx context.Context) error {
	wait, cancel := context.WithTimeout(ctx, c.dev.opt.PollInterval)
	defer cancel()
	_ = c.Presence.WaitRemoved(wait) // nil once closed, else the interval is up
	return ctx.Err()
}

// Close releases the card (InRelease) and ends the presentation. It is
// idempotent; a card already gone needs no release.
func (c *Card) Close() error {
	if errors.Is(c.Presence.Err(), readers.ErrClosed) {
		return nil
	}
	c.Presence.Close()
	err := c.dev.release(context.Background(), c.gen, c.target.Tg)
	if err != nil && !errors.Is(err, readers.ErrCardRemoved) && !errors.Is(err, readers.ErrClosed) {
		return fmt.Errorf("pn532: %s: release card: %w", c.name, err)
	}
	return nil
}

package pcsc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ebfe/scard"

	"karta/readers"
)

// Card is a card connected in a PC/SC reader: one presentation.
type Card struct {
	set    settings
	p      *pctx // the Reader's context, which the card belongs to
	reader string
	h      *scard.Card
	atr    []byte
	seen   scard.StateFlag // the reader's state when the card was connected

	presence readers.Presence
	life     context.Context // ends at Close, or when the Reader closes
	kill     context.CancelFunc
	once     sync.Once
	closeErr error
}

var _ readers.Card = (*Card)(nil)

// newCard makes the Card for h; it lives until Close or until parent ends
// (its Reader is closed).
func newCard(parent context.Context, set settings, p *pctx, reader string, seen scard.StateFlag, h *scard.Card) (*Card, error) {
	var st *scard.CardStatus
	err := p.do(func(*scard.Context) (err error) {
		if st, err = h.Status(); err != nil {
			h.Disconnect(scard.LeaveCard)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	life, kill := context.WithCancel(parent)
	c := &Card{set: set, p: p, reader: reader, h: h, atr: st.Atr, seen: seen, life: life, kill: kill}
	set.log.Debug("pcsc: card connected", "reader", reader, "atr", fmt.Sprintf("%X", st.Atr), "protocol", c.Protocol())
	return c, nil
}

// ATR returns the card's answer to reset as the reader reported it.
func (c *Card) ATR() []byte { return bytes.Clone(c.atr) }

// Protocol is the protocol of the connection, T0 or T1.
func (c *Card) Protocol() Protocol { return protocolName(c.h.ActiveProtocol()) }

// Reader is the full name of the reader the card is in.
func (c *Card) Reader() string { return c.reader }

// Transmit sends one command APDU with the connection's protocol and returns
// the response, SW1 SW2 included. A card that left the field gives an error
// wrapping readers.ErrCardRemoved (and so does every later call), a reader
// or pcscd that went one wrapping readers.ErrReaderGone. PC/SC cannot
// interrupt an exchange: ctx is checked before it starts, and the reader's
// own timeouts bound it.
func (c *Card) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := c.presence.Err(); err != nil {
		return nil, fmt.Errorf("pcsc: transmit to the card in %s: %w", c.reader, err)
	}
	if len(command) == 0 {
		return nil, errors.New("pcsc: transmit: empty command")
	}
	var resp []byte
	err := c.p.do(func(*scard.Context) (err error) {
		resp, err = c.h.Transmit(command)
		return err
	})
	if err != nil {
		return nil, c.failed(err)
	}
	return bytes.Clone(resp), nil // scard's buffer is 64 KiB
}

func (c *Card) failed(err error) error {
	if c.presence.Err() != nil { // closed meanwhile
		return fmt.Errorf("pcsc: transmit to the card in %s: %w", c.reader, c.presence.Err())
	}
	err = wrap("transmit to the card in "+c.reader, err)
	if errors.Is(err, readers.ErrCardRemoved) {
		c.presence.Remove()
	}
	return err
}

// WaitRemoved blocks until the reader is empty, another card has replaced
// this one, or the card is closed (nil), or until ctx ends (ctx.Err()). A
// reader unplugged or a pcscd gone counts as the card gone: the next
// WaitCard reports what happened to the reader.
func (c *Card) WaitRemoved(ctx context.Context) error {
	wctx, stop := bind(ctx, c.life)
	defer stop()
	_, err := watch(wctx, c.p, c.reader, c.seen, c.left)
	switch {
	case c.life.Err() != nil:
		return nil
	case ctx.Err() != nil:
		return ctx.Err()
	case err != nil:
		c.set.log.Debug("pcsc: card taken as removed", "reader", c.reader, "err", err)
	}
	c.presence.Remove()
	return nil
}

// left: the reader is empty or gone, or its event counter (the high word)
// moved on while a card is present, so this card went and another came.
func (c *Card) left(ev scard.StateFlag) bool {
	gone := scard.StateEmpty | scard.StateUnknown | scard.StateUnavailable
	return ev&gone != 0 || ev>>16 != c.seen>>16
}

// Close disconnects the card with the configured disposition and unblocks
// a pending WaitRemoved. It is idempotent; disconnecting a card that has
// already gone is not an error.
func (c *Card) Close() error {
	c.once.Do(func() {
		c.presence.Close()
		c.kill() // a pending WaitRemoved returns before Disconnect runs
		err := c.p.do(func(*scard.Context) error { return c.h.Disconnect(c.set.disp) })
		if err != nil {
			if err = wrap("disconnect the card in "+c.reader, err); errors.Is(err, readers.ErrCardRemoved) || errors.Is(err, readers.ErrReaderGone) {
				err = nil
			}
		}
		c.closeErr = err
	})
	return c.closeErr
}

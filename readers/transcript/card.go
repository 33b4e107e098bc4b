package transcript

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"karta/readers"
)

// Card is a readers.Card that answers from a transcript (see the package
// documentation for the matching rules). It is safe for concurrent use.
type Card struct {
	// RemoveAfter makes the card leave the field once this many APDUs have
	// been answered: the next Transmit fails with an error wrapping
	// readers.ErrCardRemoved. 0 means never. Set it before the first Transmit.
	RemoveAfter int

	readers.Presence // Remove, Close, WaitRemoved

	mu        sync.Mutex
	exchanges []Exchange
	used      []bool
	nused     int
	transmits int
}

var _ readers.Card = (*Card)(nil)

// NewCard returns a card that answers from a copy of t; a nil t answers
// nothing but 6A82 and 6D00.
func NewCard(t *Transcript) *Card {
	if t == nil {
		t = &Transcript{}
	}
	return &Card{
		exchanges: cloneExchanges(t.Exchanges),
		used:      make([]bool, len(t.Exchanges)),
	}
}

// Transmit answers command with the response of the first unused matching
// exchange, or with 6A82 (SELECT) or 6D00 when none matches.
func (c *Card) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if err := c.usableLocked(); err != nil {
		return nil, err
	}
	c.transmits++
	if c.RemoveAfter > 0 && c.transmits >= c.RemoveAfter {
		c.Presence.Remove()
	}
	return c.answerLocked(command), nil
}

func (c *Card) usableLocked() error {
	err := c.Presence.Err()
	if errors.Is(err, readers.ErrCardRemoved) {
		return fmt.Errorf("transcript: card left the field after %d commands: %w", c.transmits, err)
	}
	return err
}

// answerLocked uses up the first unused exchange that matches command.
func (c *Card) answerLocked(command []byte) []byte {
	for i := range c.exchanges {
		if c.answerableLocked(i) && c.exchanges[i].matches(command) {
			c.used[i] = true
			c.nused++
			return bytes.Clone(c.exchanges[i].Response)
		}
	}
	return unmatched(command)
}

// answerableLocked reports whether exchange i may answer now: it is unused and
// answered, and a "C: *" only once the conversation has reached it, that is
// once the answered exchange recorded just before it has been used. An
// unrecorded command is the one the terminal sent at that point; without
// this, a terminal's first unknown command (a probe for another
// application, say) would take an answer that belongs much later.
func (c *Card) answerableLocked(i int) bool {
	e := c.exchanges[i]
	if c.used[i] || !e.Answered() {
		return false
	}
	if !e.Any {
		return true
	}
	for j := i - 1; j >= 0; j-- {
		if c.exchanges[j].Answered() {
			return c.used[j]
		}
	}
	return true
}

// Used returns how many exchanges have answered a command.
func (c *Card) Used() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nused
}

// Unused returns copies of the exchanges no command has used yet, in
// transcript order: what a reader did not ask for.
func (c *Card) Unused() []Exchange {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []Exchange
	for i, e := range c.exchanges {
		if !c.used[i] {
			out = append(out, e)
		}
	}
	return cloneExchanges(out)
}

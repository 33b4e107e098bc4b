package readertest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"

	"karta/readers"
)

// Card is a fake readers.Card whose answers come from Respond. The zero value
// is usable; a nil Respond answers every command with 90 00.
type Card struct {
	// Respond answers one command. It receives a copy of the command; the
	// response it returns is copied before Transmit hands it out.
	Respond func(command []byte) ([]byte, error)
	// RemoveAfter makes the card leave the field once this many APDUs have
	// been answered: the next Transmit fails with an error wrapping
	// readers.ErrCardRemoved. 0 means never.
	RemoveAfter int

	readers.Presence // Remove, Close, WaitRemoved

	mu       sync.Mutex
	commands [][]byte
	reserved int // Transmit calls admitted, answered or in progress
}

var _ readers.Card = (*Card)(nil)

// NewCard returns a Card that answers through respond.
func NewCard(respond func(command []byte) ([]byte, error)) *Card {
	return &Card{Respond: respond}
}

// Transmit records command and returns a copy of what Respond answers.
func (c *Card) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	n, respond, err := c.admit(command)
	if err != nil {
		return nil, err
	}
	resp, err := respond(bytes.Clone(command))
	c.answered(n)
	return bytes.Clone(resp), err
}

// admit checks that the card can take one more command and records it.
func (c *Card) admit(command []byte) (int, func([]byte) ([]byte, error), error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.RemoveAfter > 0 && c.reserved >= c.RemoveAfter {
		c.Presence.Remove()
	}
	if err := c.Presence.Err(); errors.Is(err, readers.ErrCardRemoved) {
		return 0, nil, fmt.Errorf("readertest: card left the field after %d commands: %w", c.reserved, err)
	} else if err != nil {
		return 0, nil, err
	}
	c.reserved++
	c.commands = append(c.commands, bytes.Clone(command))
	if c.Respond == nil {
		return c.reserved, answerOK, nil
	}
	return c.reserved, c.Respond, nil
}

func answerOK([]byte) ([]byte, error) { return []byte{0x90, 0x00}, nil }

// answered takes the card away once the n-th APDU has been answered and
// RemoveAfter says so.
func (c *Card) answered(n int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.RemoveAfter > 0 && n >= c.RemoveAfter {
		c.Presence.Remove()
	}
}

// Commands returns copies of the commands the card received, in order.
func (c *Card) Commands() [][]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([][]byte, len(c.commands))
	for i, cmd := range c.commands {
		out[i] = bytes.Clone(cmd)
	}
	return out
}

// Transmits returns how many commands reached the card (answered or being
// answered); calls refused because of Close, removal or ctx do not count.
func (c *Card) Transmits() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reserved
}

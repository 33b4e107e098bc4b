package gpio

import (
	"errors"
	"fmt"

	"periph.io/x/conn/v3/gpio"
)

// ErrClosed is returned, wrapped, by every call on a driver after Close.
var ErrClosed = errors.New("gpio: device closed")

// line is one output of a device: a pin, what it is for, and its polarity.
type line struct {
	role      string // "relay", "indicator green", "hd44780 E"
	pin       gpio.PinOut
	activeLow bool
}

// newLine checks that pin was given.
func newLine(role string, pin gpio.PinOut, activeLow bool) (line, error) {
	if pin == nil {
		return line{}, fmt.Errorf("gpio: %s pin missing", role)
	}
	return line{role: role, pin: pin, activeLow: activeLow}, nil
}

// set drives the line on or off, honouring its polarity.
func (l line) set(on bool) error {
	if err := l.pin.Out(gpio.Level(on != l.activeLow)); err != nil {
		return l.errorf(err)
	}
	return nil
}

// errorf wraps err with the line's role and pin name.
func (l line) errorf(err error) error {
	return fmt.Errorf("gpio: %s pin %s: %w", l.role, l.pin.Name(), err)
}

// closedErr is ErrClosed with the line's role and pin name.
func (l line) closedErr() error {
	return fmt.Errorf("%w: %s pin %s", ErrClosed, l.role, l.pin.Name())
}

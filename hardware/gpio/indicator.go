package gpio

import (
	"context"
	"fmt"
	"sync"

	"periph.io/x/conn/v3/gpio"

	"karta/hardware"
)

// IndicatorPins are the LEDs of an indicator light.
type IndicatorPins struct {
	Green, Red gpio.PinOut
	// Amber is the amber LED; nil shows amber as green and red together,
	// the way a two-colour LED does.
	Amber gpio.PinOut
	// ActiveLow: the LEDs light when their pin is Low.
	ActiveLow bool
}

// Indicator shows a hardware.Color on two or three LEDs.
type Indicator struct {
	mu     sync.Mutex
	green  line
	red    line
	amber  *line // nil: amber is green+red
	closed bool
}

var (
	_ hardware.Indicator = (*Indicator)(nil)
	_ hardware.Closer    = (*Indicator)(nil)
)

// lamps says which LEDs each colour lights: green, red, amber.
var lamps = [...][3]bool{
	hardware.Off:   {false, false, false},
	hardware.Green: {true, false, false},
	hardware.Red:   {false, true, false},
	hardware.Amber: {false, false, true},
}

// NewIndicator returns an indicator on pins, with every LED off.
func NewIndicator(pins IndicatorPins) (*Indicator, error) {
	in := &Indicator{}
	var err error
	if in.green, err = newLine("indicator green", pins.Green, pins.ActiveLow); err != nil {
		return nil, err
	}
	if in.red, err = newLine("indicator red", pins.Red, pins.ActiveLow); err != nil {
		return nil, err
	}
	if pins.Amber != nil {
		in.amber = &line{role: "indicator amber", pin: pins.Amber, activeLow: pins.ActiveLow}
	}
	return in, in.show(hardware.Off)
}

// Set shows c until the next Set.
func (in *Indicator) Set(c hardware.Color) error {
	if c < 0 || int(c) >= len(lamps) {
		return fmt.Errorf("gpio: indicator: unknown color %d", int(c))
	}
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.closed {
		return in.green.closedErr()
	}
	return in.show(c)
}

// Close turns every LED off; later calls fail with ErrClosed.
func (in *Indicator) Close(context.Context) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.closed = true
	return in.show(hardware.Off)
}

// show drives the LEDs for c: those going off first, so two colours never
// light together in passing.
func (in *Indicator) show(c hardware.Color) error {
	lines, on := in.plan(c)
	for _, pass := range []bool{false, true} {
		for i, l := range lines {
			if on[i] != pass {
				continue
			}
			if err := l.set(on[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// plan returns the indicator's lines and which of them c lights.
func (in *Indicator) plan(c hardware.Color) ([]line, []bool) {
	want := lamps[c]
	if in.amber == nil {
		return []line{in.green, in.red}, []bool{want[0] || want[2], want[1] || want[2]}
	}
	return []line{in.green, in.red, *in.amber}, want[:]
}

package hardwaretest

import (
	"context"
	"errors"
	"sync"

	"karta/hardware"
)

// Board is one fake of each device, as an agent test wires them. The zero
// value is ready to use; hand out &b.Indicator, &b.Buzzer and so on.
type Board struct {
	Indicator Indicator
	Buzzer    Buzzer
	Relay     Relay
	Display   Display
}

var (
	_ hardware.Indicator = (*Indicator)(nil)
	_ hardware.Buzzer    = (*Buzzer)(nil)
	_ hardware.Relay     = (*Relay)(nil)
	_ hardware.Display   = (*Display)(nil)
	_ hardware.Closer    = (*Indicator)(nil)
	_ hardware.Closer    = (*Buzzer)(nil)
	_ hardware.Closer    = (*Relay)(nil)
	_ hardware.Closer    = (*Display)(nil)
	_ hardware.Closer    = (*Board)(nil)
)

// Fail makes every device's calls fail with err; nil makes them work again.
func (b *Board) Fail(err error) {
	for _, f := range b.knobs() {
		f.mu.Lock()
		*f.err = err
		f.mu.Unlock()
	}
}

// Close closes every device and joins their errors.
func (b *Board) Close(ctx context.Context) error {
	return errors.Join(
		b.Indicator.Close(ctx), b.Buzzer.Close(ctx),
		b.Relay.Close(ctx), b.Display.Close(ctx),
	)
}

// knob is a fake's lock and Err field.
type knob struct {
	mu  sync.Locker
	err *error
}

// knobs returns the lock and Err of each device.
func (b *Board) knobs() []knob {
	return []knob{
		{&b.Indicator, &b.Indicator.Err}, {&b.Buzzer, &b.Buzzer.Err},
		{&b.Relay, &b.Relay.Err}, {&b.Display, &b.Display.Err},
	}
}

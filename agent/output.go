package agent

import (
	"errors"
	"fmt"
	"time"

	"karta/hardware"
)

// Output is a device's hardware: what a person sees and hears. Any part may
// be nil (a canteen till has no gate).
type Output struct {
	Indicator hardware.Indicator
	Buzzer    hardware.Buzzer
	Relay     hardware.Relay
	Display   hardware.Display
	GatePulse time.Duration // how long the gate stays open; 0: 3s
}

// Signal shows a decision. Every part is driven even if one fails; the
// errors come back joined.
func (o Output) Signal(d Decision) error {
	s := d.Signal(o.Relay != nil)
	var errs []error
	if o.Display != nil {
		errs = append(errs, wrap("display", o.Display.Show(d.Lines...)))
	}
	if o.Indicator != nil {
		errs = append(errs, wrap("indicator", o.Indicator.Set(s.Color)))
	}
	if o.Buzzer != nil {
		errs = append(errs, wrap("buzzer", o.Buzzer.Beep(s.Tone)))
	}
	if s.Gate && o.Relay != nil {
		errs = append(errs, wrap("relay", o.Relay.Pulse(o.pulse())))
	}
	return errors.Join(errs...)
}

func (o Output) pulse() time.Duration {
	if o.GatePulse == 0 {
		return 3 * time.Second
	}
	return o.GatePulse
}

func wrap(part string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("agent: %s: %w", part, err)
}

package gpio

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"

	"karta/hardware"
)

// DefaultMaxPulse is the longest pulse when RelayOptions.MaxPulse is zero.
const DefaultMaxPulse = 10 * time.Second

// RelayOptions configure a Relay. The zero value is an active-high relay on
// SystemClock with pulses of at most DefaultMaxPulse.
type RelayOptions struct {
	ActiveLow bool
	Clock     Clock
	// MaxPulse caps every pulse, so a wrong duration cannot hold a gate
	// open; longer pulses are cut to it. Zero means DefaultMaxPulse.
	MaxPulse time.Duration
}

// Relay drives a gate relay: Pulse energises it and a timer releases it.
type Relay struct {
	out   line
	clock Clock
	max   time.Duration

	mu     sync.Mutex
	until  time.Time // end of the current pulse
	timer  Timer     // releases the relay at until
	gen    int       // counts pulses; a timer of an older one does nothing
	err    error     // a release that failed, not yet reported
	closed bool
}

var (
	_ hardware.Relay  = (*Relay)(nil)
	_ hardware.Closer = (*Relay)(nil)
)

// NewRelay returns a released relay on pin.
func NewRelay(pin gpio.PinOut, opts RelayOptions) (*Relay, error) {
	out, err := newLine("relay", pin, opts.ActiveLow)
	if err != nil {
		return nil, err
	}
	if opts.MaxPulse <= 0 {
		opts.MaxPulse = DefaultMaxPulse
	}
	r := &Relay{out: out, clock: orSystem(opts.Clock), max: opts.MaxPulse}
	return r, out.set(false)
}

// Pulse energises the relay for d (at most MaxPulse) and returns. During a
// pulse it extends the pulse to end d from now; it never shortens it. The
// error also reports an earlier release that failed in the background.
func (r *Relay) Pulse(d time.Duration) error {
	if d <= 0 {
		return r.out.errorf(fmt.Errorf("pulse of %v is not positive", d))
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.closed {
		return r.out.closedErr()
	}
	return errors.Join(r.takeErrLocked(), r.energiseLocked(min(d, r.max)))
}

// energiseLocked holds the relay on until d from now, unless a pulse
// already holds it longer.
func (r *Relay) energiseLocked(d time.Duration) error {
	until := r.clock.Now().Add(d)
	if until.Before(r.until) {
		return nil
	}
	if err := r.out.set(true); err != nil {
		return err
	}
	r.armLocked(until, d)
	return nil
}

// Close releases the relay at once; later calls fail with ErrClosed.
func (r *Relay) Close(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	r.disarmLocked()
	return errors.Join(r.out.set(false), r.takeErrLocked())
}

// armLocked replaces the release timer with one firing at until, d from now.
func (r *Relay) armLocked(until time.Time, d time.Duration) {
	r.disarmLocked()
	r.until = until
	gen := r.gen
	r.timer = r.clock.AfterFunc(d, func() { r.release(gen) })
}

// disarmLocked stops the release timer, and any that fires anyway.
func (r *Relay) disarmLocked() {
	r.gen++
	r.until = time.Time{}
	if r.timer != nil {
		r.timer.Stop()
		r.timer = nil
	}
}

// release ends pulse gen, unless a later pulse or Close took over.
func (r *Relay) release(gen int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if gen != r.gen || r.closed {
		return
	}
	r.until, r.timer = time.Time{}, nil
	if err := r.out.set(false); err != nil && r.err == nil {
		r.err = err
	}
}

// takeErrLocked returns and forgets a failed release.
func (r *Relay) takeErrLocked() error {
	err := r.err
	r.err = nil
	return err
}

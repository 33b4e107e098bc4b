package gpio

import (
	"context"
	"fmt"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"

	"karta/hardware"
)

// BuzzerOptions configure a Buzzer. The zero value is an active-high
// buzzer on SystemClock.
type BuzzerOptions struct {
	ActiveLow bool
	Clock     Clock
}

// step is one part of a pattern: the buzzer on or off for d.
type step struct {
	on bool
	d  time.Duration
}

// Beep lengths.
const (
	shortBeep = 80 * time.Millisecond
	longBeep  = 600 * time.Millisecond
)

// patterns are the tones; the buzzer is off after the last step.
var patterns = [...][]step{
	hardware.ToneOK:    {{true, shortBeep}},
	hardware.ToneDeny:  {{true, shortBeep}, {false, shortBeep}, {true, shortBeep}},
	hardware.ToneAlarm: {{true, longBeep}},
}

// Buzzer plays tones on a buzzer pin. One goroutine, started by NewBuzzer
// and stopped by Close, owns the pin and runs the patterns.
type Buzzer struct {
	out   line
	clock Clock
	wake  chan struct{} // a tone is pending; capacity 1
	quit  chan struct{} // closed by Close
	done  chan struct{} // closed when the goroutine has left the pin off

	mu      sync.Mutex
	pending hardware.Tone
	err     error // the goroutine's first pin error, not yet reported
	closed  bool
}

var (
	_ hardware.Buzzer = (*Buzzer)(nil)
	_ hardware.Closer = (*Buzzer)(nil)
)

// NewBuzzer returns a silent buzzer on pin and starts its goroutine.
func NewBuzzer(pin gpio.PinOut, opts BuzzerOptions) (*Buzzer, error) {
	out, err := newLine("buzzer", pin, opts.ActiveLow)
	if err != nil {
		return nil, err
	}
	if err := out.set(false); err != nil {
		return nil, err
	}
	b := &Buzzer{
		out: out, clock: orSystem(opts.Clock),
		wake: make(chan struct{}, 1), quit: make(chan struct{}), done: make(chan struct{}),
	}
	go b.run()
	return b, nil
}

// Beep starts t and returns; a pattern still playing is cut short. The
// error is that of a pin write of an earlier pattern, if one failed.
func (b *Buzzer) Beep(t hardware.Tone) error {
	if t < 0 || int(t) >= len(patterns) {
		return fmt.Errorf("gpio: buzzer: unknown tone %d", int(t))
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return b.out.closedErr()
	}
	b.pending = t
	select {
	case b.wake <- struct{}{}:
	default: // already woken; it will read the newest tone
	}
	return b.takeErrLocked()
}

// Close stops the pattern, waits until the pin is off (or ctx is done) and
// returns any pin error not yet reported.
func (b *Buzzer) Close(ctx context.Context) error {
	b.mu.Lock()
	if !b.closed {
		b.closed = true
		close(b.quit)
	}
	b.mu.Unlock()
	select {
	case <-b.done:
	case <-ctx.Done():
		return fmt.Errorf("gpio: buzzer pin %s: close: %w", b.out.pin.Name(), ctx.Err())
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.takeErrLocked()
}

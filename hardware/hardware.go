package hardware

import (
	"context"
	"time"
)

// Color is what the indicator shows.
type Color int

// The indicator's states.
const (
	Off   Color = iota
	Green       // allowed
	Red         // denied
	Amber       // allowed with a flag, or needs attention (payment, staff)
)

func (c Color) String() string {
	return [...]string{"off", "green", "red", "amber"}[c]
}

// Tone is a buzzer pattern.
type Tone int

// The buzzer's patterns.
const (
	ToneOK    Tone = iota // one short beep
	ToneDeny              // two short beeps
	ToneAlarm             // one long beep: device trouble
)

func (t Tone) String() string {
	return [...]string{"ok", "deny", "alarm"}[t]
}

// Indicator is a light a person sees after a tap.
type Indicator interface {
	// Set shows c until the next Set. It does not block.
	Set(c Color) error
}

// Buzzer sounds a pattern.
type Buzzer interface {
	// Beep starts the pattern and returns; a new Beep cuts the old one short.
	Beep(t Tone) error
}

// Relay opens a gate.
type Relay interface {
	// Pulse energises the relay for d and returns at once; the relay falls
	// back by itself. A Pulse during a pulse extends it to end d from now.
	Pulse(d time.Duration) error
}

// Display shows short text to a person: two lines, Russian, UTF-8.
type Display interface {
	// Show replaces what is shown. Lines too long for the display are cut.
	Show(lines ...string) error
}

// Closer stops a device's background work (pulses, patterns) and leaves it
// in its safe state: light off, buzzer silent, relay released.
type Closer interface {
	Close(ctx context.Context) error
}

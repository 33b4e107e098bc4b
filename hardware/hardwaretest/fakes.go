package hardwaretest

import (
	"context"
	"slices"
	"sync"
	"time"

	"karta/hardware"
)

// Indicator is a fake hardware.Indicator recording every colour set.
type Indicator struct {
	sync.Mutex
	Colors []hardware.Color // in the order they were set
	Closed bool
	Err    error // when set, Set and Close fail with it
}

// Set records c, or fails with Err.
func (f *Indicator) Set(c hardware.Color) error {
	f.Lock()
	defer f.Unlock()
	if f.Err != nil {
		return f.Err
	}
	f.Colors = append(f.Colors, c)
	return nil
}

// Last returns the colour shown: the last one set, Off before any.
func (f *Indicator) Last() hardware.Color {
	f.Lock()
	defer f.Unlock()
	if len(f.Colors) == 0 {
		return hardware.Off
	}
	return f.Colors[len(f.Colors)-1]
}

// Close records that the indicator was closed, or fails with Err.
func (f *Indicator) Close(context.Context) error { return closeFake(&f.Mutex, &f.Closed, &f.Err) }

// Buzzer is a fake hardware.Buzzer recording every tone asked for.
type Buzzer struct {
	sync.Mutex
	Tones  []hardware.Tone
	Closed bool
	Err    error // when set, Beep and Close fail with it
}

// Beep records t, or fails with Err.
func (f *Buzzer) Beep(t hardware.Tone) error {
	f.Lock()
	defer f.Unlock()
	if f.Err != nil {
		return f.Err
	}
	f.Tones = append(f.Tones, t)
	return nil
}

// Last returns the last tone and whether there was one.
func (f *Buzzer) Last() (hardware.Tone, bool) {
	f.Lock()
	defer f.Unlock()
	if len(f.Tones) == 0 {
		return 0, false
	}
	return f.Tones[len(f.Tones)-1], true
}

// Close records that the buzzer was closed, or fails with Err.
func (f *Buzzer) Close(context.Context) error { return closeFake(&f.Mutex, &f.Closed, &f.Err) }

// Relay is a fake hardware.Relay recording every pulse asked for.
type Relay struct {
	sync.Mutex
	Pulses []time.Duration
	Closed bool
	Err    error // when set, Pulse and Close fail with it
}

// Pulse records d, or fails with Err.
func (f *Relay) Pulse(d time.Duration) error {
	f.Lock()
	defer f.Unlock()
	if f.Err != nil {
		return f.Err
	}
	f.Pulses = append(f.Pulses, d)
	return nil
}

// Last returns the last pulse's duration, 0 before any.
func (f *Relay) Last() time.Duration {
	f.Lock()
	defer f.Unlock()
	if len(f.Pulses) == 0 {
		return 0
	}
	return f.Pulses[len(f.Pulses)-1]
}

// Close records that the relay was closed, or fails with Err.
func (f *Relay) Close(context.Context) error { return closeFake(&f.Mutex, &f.Closed, &f.Err) }

// Display is a fake hardware.Display recording every screen shown.
type Display struct {
	sync.Mutex
	Screens [][]string // the lines of each Show, as given
	Closed  bool
	Err     error // when set, Show and Close fail with it
}

// Show records a copy of lines, or fails with Err.
func (f *Display) Show(lines ...string) error {
	f.Lock()
	defer f.Unlock()
	if f.Err != nil {
		return f.Err
	}
	f.Screens = append(f.Screens, slices.Clone(lines))
	return nil
}

// Last returns a copy of the lines shown last, nil before any Show.
func (f *Display) Last() []string {
	f.Lock()
	defer f.Unlock()
	if len(f.Screens) == 0 {
		return nil
	}
	return slices.Clone(f.Screens[len(f.Screens)-1])
}

// Close records that the display was closed, or fails with Err.
func (f *Display) Close(context.Context) error { return closeFake(&f.Mutex, &f.Closed, &f.Err) }

// closeFake is the Close of every fake.
func closeFake(mu *sync.Mutex, closed *bool, err *error) error {
	mu.Lock()
	defer mu.Unlock()
	if *err != nil {
		return *err
	}
	*closed = true
	return nil
}

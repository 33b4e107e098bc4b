package console

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"karta/hardware"
)

// Console is a device that describes what it is asked to do in text.
type Console struct {
	mu     sync.Mutex
	w      io.Writer
	prefix string
}

var (
	_ hardware.Indicator = (*Console)(nil)
	_ hardware.Buzzer    = (*Console)(nil)
	_ hardware.Relay     = (*Console)(nil)
	_ hardware.Display   = (*Console)(nil)
	_ hardware.Closer    = (*Console)(nil)
)

// lights are the indicator's colours as shown.
var lights = [...]string{
	hardware.Off:   "○ off",
	hardware.Green: "● GREEN",
	hardware.Red:   "● RED",
	hardware.Amber: "● AMBER",
}

// New returns a Console writing to w, its lines tagged with the device name.
func New(w io.Writer, name string) *Console {
	return &Console{w: w, prefix: "[device " + name + "] "}
}

// Set prints the colour.
func (c *Console) Set(col hardware.Color) error {
	if col < 0 || int(col) >= len(lights) {
		return fmt.Errorf("console: unknown color %d", int(col))
	}
	return c.println(lights[col])
}

// Beep prints the tone.
func (c *Console) Beep(t hardware.Tone) error {
	if t < hardware.ToneOK || t > hardware.ToneAlarm {
		return fmt.Errorf("console: unknown tone %d", int(t))
	}
	return c.println("♪ " + t.String())
}

// Pulse prints the gate opening for d.
func (c *Console) Pulse(d time.Duration) error {
	return c.println("⟰ gate " + d.String())
}

// Show prints the lines between bars.
func (c *Console) Show(lines ...string) error {
	if len(lines) == 0 {
		return c.println("│ (blank)")
	}
	return c.println("│ " + strings.Join(lines, " │ "))
}

// Close prints that the device is in its safe state.
func (c *Console) Close(context.Context) error {
	return c.println("■ closed: light off, buzzer silent, gate released")
}

// println writes one tagged line.
func (c *Console) println(s string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, err := io.WriteString(c.w, c.prefix+s+"\n"); err != nil {
		return fmt.Errorf("console: write: %w", err)
	}
	return nil
}

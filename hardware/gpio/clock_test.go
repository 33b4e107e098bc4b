package gpio_test

import (
	"testing"
	"time"

	kgpio "karta/hardware/gpio"
)

// TestSystemClock runs the real clock for microseconds only.
func TestSystemClock(t *testing.T) {
	var c kgpio.Clock = kgpio.SystemClock{}
	start := c.Now()
	c.Sleep(40 * time.Microsecond) // spins
	if d := time.Since(start); d < 40*time.Microsecond {
		t.Errorf("Sleep(40µs) returned after %v", d)
	}
	fired := make(chan struct{})
	c.AfterFunc(0, func() { close(fired) })
	<-fired
	if c.AfterFunc(time.Hour, func() {}).Stop() != true {
		t.Error("Stop of a pending timer returned false")
	}
}

package hardwaretest_test

import (
	"slices"
	"testing"
	"time"

	"karta/hardware/hardwaretest"
)

var t0 = time.Date(2026, 9, 1, 7, 30, 0, 0, time.UTC)

func TestClockFiresInOrder(t *testing.T) {
	c := hardwaretest.NewClock(t0)
	var got []string
	at := func(name string) func() {
		return func() { got = append(got, name+"@"+c.Now().Sub(t0).String()) }
	}
	c.AfterFunc(3*time.Second, at("c"))
	c.AfterFunc(time.Second, at("a"))
	c.AfterFunc(time.Second, at("b")) // same deadline: after a
	stopped := c.AfterFunc(2*time.Second, at("stopped"))
	if !stopped.Stop() || stopped.Stop() {
		t.Error("Stop: want true once, then false")
	}
	c.Advance(2 * time.Second)
	c.Sleep(5 * time.Second)
	want := []string{"a@1s", "b@1s", "c@3s"}
	if !slices.Equal(got, want) {
		t.Errorf("fired %q, want %q", got, want)
	}
	if now := c.Now().Sub(t0); now != 7*time.Second || c.Pending() != 0 {
		t.Errorf("now %v with %d pending, want 7s and none", now, c.Pending())
	}
}

// TestClockChains checks that a callback may arm a timer that falls due
// within the same Advance, as a relay or buzzer step does.
func TestClockChains(t *testing.T) {
	var c hardwaretest.Clock // the zero value works
	n := 0
	var tick func()
	tick = func() {
		if n++; n < 5 {
			c.AfterFunc(100*time.Millisecond, tick)
		}
	}
	c.AfterFunc(100*time.Millisecond, tick)
	c.Advance(450 * time.Millisecond)
	if n != 4 || c.Pending() != 1 {
		t.Errorf("%d ticks, %d pending; want 4 and 1", n, c.Pending())
	}
}

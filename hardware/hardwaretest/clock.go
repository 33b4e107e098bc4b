package hardwaretest

import (
	"sync"
	"time"

	"karta/hardware/gpio"
)

// Clock is a fake gpio.Clock: time stands still until Advance or Sleep
// moves it. The zero value starts at the zero time.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*timer // pending, in no particular order
	seq    int      // breaks ties between timers due at the same time
}

var _ gpio.Clock = (*Clock)(nil)

// NewClock returns a Clock showing start.
func NewClock(start time.Time) *Clock {
	return &Clock{now: start}
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Sleep advances the clock by d and returns at once.
func (c *Clock) Sleep(d time.Duration) { c.Advance(d) }

// AfterFunc arranges for f to run when the clock reaches d from now; with
// d <= 0, at the next Advance, even by 0.
func (c *Clock) AfterFunc(d time.Duration, f func()) gpio.Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seq++
	t := &timer{c: c, at: c.now.Add(d), seq: c.seq, f: f}
	c.timers = append(c.timers, t)
	return t
}

// Advance moves the clock forward by d, running the callbacks that fall
// due, each with the clock showing its deadline.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	c.mu.Unlock()
	for c.fireNext(end) {
	}
}

// Pending returns the number of timers not yet fired or stopped.
func (c *Clock) Pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// fireNext runs the earliest timer due by end and reports whether there was
// one; if not, it moves the clock to end.
func (c *Clock) fireNext(end time.Time) bool {
	c.mu.Lock()
	t := c.earliestLocked(end)
	if t == nil {
		c.now = later(c.now, end)
		c.mu.Unlock()
		return false
	}
	c.removeLocked(t)
	c.now = later(c.now, t.at)
	c.mu.Unlock()
	t.f()
	return true
}

// earliestLocked returns the first timer due by end, or nil.
func (c *Clock) earliestLocked(end time.Time) *timer {
	var first *timer
	for _, t := range c.timers {
		if t.at.After(end) {
			continue
		}
		if first == nil || t.at.Before(first.at) || t.at.Equal(first.at) && t.seq < first.seq {
			first = t
		}
	}
	return first
}

// removeLocked drops t from the pending timers and reports whether it was
// there.
func (c *Clock) removeLocked(t *timer) bool {
	for i, p := range c.timers {
		if p == t {
			c.timers = append(c.timers[:i], c.timers[i+1:]...)
			return true
		}
	}
	return false
}

// timer is a pending AfterFunc.
type timer struct {
	c   *Clock
	at  time.Time
	seq int
	f   func()
}

// Stop cancels the timer and reports whether it was pending.
func (t *timer) Stop() bool {
	t.c.mu.Lock()
	defer t.c.mu.Unlock()
	return t.c.removeLocked(t)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

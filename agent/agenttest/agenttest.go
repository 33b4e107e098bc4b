// Package agenttest holds fakes for agent tests: a clock that only moves
// when told to.
package agenttest

import (
	"sync"
	"time"
)

// Clock is a fake agent.Clock.
type Clock struct {
	mu     sync.Mutex
	now    time.Time
	synced bool
}

// NewClock returns a synchronised clock at now.
func NewClock(now time.Time) *Clock { return &Clock{now: now, synced: true} }

// Now implements agent.Clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Synced implements agent.Clock.
func (c *Clock) Synced() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.synced
}

// Advance moves the clock on.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// SetSynced says whether the clock is trusted.
func (c *Clock) SetSynced(s bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.synced = s
}

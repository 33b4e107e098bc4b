package gpio

import "time"

// Clock is the drivers' time source. SystemClock is the real one; tests
// pass a fake that moves only when told (hardwaretest.Clock).
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// Sleep blocks for d. The display waits tens of microseconds at a time.
	Sleep(d time.Duration)
	// AfterFunc calls f once, d from now, unless the Timer is stopped first.
	// f must not assume it runs in any particular goroutine.
	AfterFunc(d time.Duration, f func()) Timer
}

// Timer is a pending AfterFunc call.
type Timer interface {
	// Stop prevents the call and reports whether it was still pending.
	Stop() bool
}

// spinBelow is the longest wait SystemClock.Sleep spins for: the kernel's
// timer slack (50 µs) would turn a 40 µs display wait into 100 µs or more.
const spinBelow = 100 * time.Microsecond

// SystemClock is the real Clock.
type SystemClock struct{}

var _ Clock = SystemClock{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// Sleep spins for waits shorter than 100 µs and sleeps for longer ones.
func (SystemClock) Sleep(d time.Duration) {
	if d >= spinBelow {
		time.Sleep(d)
		return
	}
	for start := time.Now(); time.Since(start) < d; {
	}
}

// AfterFunc is time.AfterFunc.
func (SystemClock) AfterFunc(d time.Duration, f func()) Timer {
	return time.AfterFunc(d, f)
}

// orSystem returns c, or SystemClock when c is nil.
func orSystem(c Clock) Clock {
	if c == nil {
		return SystemClock{}
	}
	return c
}

package gpio_test

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	"karta/hardware/hardwaretest"
)

// t0 is when every test's fake clock starts.
var t0 = time.Date(2026, 9, 1, 7, 30, 0, 0, time.UTC)

// errPin is what a failPin's Out returns.
var errPin = errors.New("pin write failed")

// write is one pin write: when (since t0), which pin, which level.
type write struct {
	at    time.Duration
	pin   string
	level gpio.Level
}

func (w write) String() string { return fmt.Sprintf("%v %s=%v", w.at, w.pin, w.level) }

// trace records the writes of the pins it made, in order, timed by a fake
// clock. Writes also go to ch, if the test asked for it, so a test can wait
// for a background goroutine's next write without sleeping.
type trace struct {
	clock  *hardwaretest.Clock
	ch     chan write
	mu     sync.Mutex
	writes []write
}

func newTrace(withChan bool) *trace {
	tr := &trace{clock: hardwaretest.NewClock(t0)}
	if withChan {
		tr.ch = make(chan write, 100)
	}
	return tr
}

// pin returns a fake pin whose writes go to tr.
func (tr *trace) pin(name string) *recPin {
	return &recPin{Pin: gpiotest.Pin{N: name}, tr: tr}
}

func (tr *trace) add(name string, l gpio.Level) {
	w := write{at: tr.clock.Now().Sub(t0), pin: name, level: l}
	tr.mu.Lock()
	tr.writes = append(tr.writes, w)
	tr.mu.Unlock()
	if tr.ch != nil {
		tr.ch <- w
	}
}

// next waits for the next write; the timeout only ends a failing test.
func (tr *trace) next(t *testing.T) write {
	t.Helper()
	select {
	case w := <-tr.ch:
		return w
	case <-time.After(5 * time.Second):
		t.Fatal("no pin write")
		return write{}
	}
}

// strings returns the writes recorded so far, as text.
func (tr *trace) strings() []string {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	var s []string
	for _, w := range tr.writes {
		s = append(s, w.String())
	}
	return s
}

// recPin is a gpiotest.Pin that reports its writes to a trace.
type recPin struct {
	gpiotest.Pin
	tr *trace
}

func (p *recPin) Out(l gpio.Level) error {
	if err := p.Pin.Out(l); err != nil {
		return err
	}
	p.tr.add(p.N, l)
	return nil
}

// failPin is a gpiotest.Pin whose writes fail while err is set: faults by
// embedding, as periph's tm1637 tests do.
type failPin struct {
	gpiotest.Pin
	err error // guarded by Pin's mutex
}

func (p *failPin) Out(l gpio.Level) error {
	p.Lock()
	err := p.err
	p.Unlock()
	if err != nil {
		return err
	}
	return p.Pin.Out(l)
}

// fail makes the pin's writes fail with err from now on.
func (p *failPin) fail(err error) {
	p.Lock()
	defer p.Unlock()
	p.err = err
}

// level reads a fake pin's level.
func level(p interface{ Read() gpio.Level }) gpio.Level { return p.Read() }

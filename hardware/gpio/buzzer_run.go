package gpio

// run is the buzzer's goroutine: it plays the steps of the current pattern
// one by one, starts over when a new tone is pending, and leaves the pin off
// at the end of a pattern and when Close asks it to stop.
func (b *Buzzer) run() {
	defer close(b.done)
	var steps []step
	for {
		tick, stop := b.start(steps)
		select {
		case <-b.quit:
			stop()
			b.write(false)
			return
		case <-b.wake:
			stop()
			steps = patterns[b.tone()]
		case <-tick:
			if steps = steps[1:]; len(steps) == 0 {
				b.write(false)
			}
		}
	}
}

// start arms the timer of steps[0] and then drives the pin, so that a test
// seeing the pin change knows the timer is armed. With no steps the
// returned channel never fires.
func (b *Buzzer) start(steps []step) (<-chan struct{}, func()) {
	if len(steps) == 0 {
		return nil, func() {}
	}
	tick := make(chan struct{})
	t := b.clock.AfterFunc(steps[0].d, func() { close(tick) })
	b.write(steps[0].on)
	return tick, func() { t.Stop() }
}

// write drives the pin; a failure is kept for the next Beep or Close.
func (b *Buzzer) write(on bool) {
	err := b.out.set(on)
	if err == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.err == nil {
		b.err = err
	}
}

// tone returns the pending tone.
func (b *Buzzer) tone() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return int(b.pending)
}

// takeErrLocked returns and forgets the goroutine's pin error.
func (b *Buzzer) takeErrLocked() error {
	err := b.err
	b.err = nil
	return err
}

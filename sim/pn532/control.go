package pn532

import (
	"errors"
	"fmt"
	"maps"
	"os"
)

// Stats count what the emulator saw and did, for tests.
type Stats struct {
	Commands map[byte]int // commands answered, by code
	NACKs    int          // NACKs from the host: answers sent again
	Aborts   int          // ACKs from the host that cancelled a pending answer
	Chained  int          // InDataExchange answers sent with the MI bit
	Wakeups  int          // wake-ups from sleep (55 55 00 ...)
	Ignored  int          // bytes taken in and ignored while hung
}

// Stats returns a copy of the counters.
func (e *Emulator) Stats() Stats {
	e.mu.Lock()
	defer e.mu.Unlock()
	s := e.stats
	s.Commands = maps.Clone(e.stats.Commands)
	return s
}

// Insert puts card in the field, replacing any other.
func (e *Emulator) Insert(card Responder) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.card = &presentation{card: card}
}

// Remove takes the card out of the field.
func (e *Emulator) Remove() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.card = nil
}

// SetFaults changes the faults from now on.
func (e *Emulator) SetFaults(f Faults) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.faults = f
}

// Hang makes the PN532 stop answering (on) or answer again (off). While
// hung it takes in bytes and does nothing with them.
func (e *Emulator) Hang(on bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.hung = on
}

// Path is the device path of the pty's other end, the one a driver opens;
// "" while disconnected.
func (e *Emulator) Path() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.sess == nil {
		return ""
	}
	return e.sess.pty.path
}

// Link is Options.Link: a stable path to the current pty, or "".
func (e *Emulator) Link() string { return e.opts.Link }

// Disconnect closes the pty, as if the PN532's USB-serial adapter were
// pulled: the driver's end fails and its path disappears.
func (e *Emulator) Disconnect() error {
	e.mu.Lock()
	s := e.sess
	e.sess = nil
	e.mu.Unlock()
	if s == nil {
		return nil
	}
	return s.stop()
}

// Reconnect opens a new pty (a new path; Link follows) with a PN532 just
// powered on: asleep, no card activated. The card in the field stays.
func (e *Emulator) Reconnect() error {
	if err := e.Disconnect(); err != nil {
		return err
	}
	p, err := openPTY()
	if err != nil {
		return err
	}
	if err := e.relink(p.path); err != nil {
		return errors.Join(err, p.Close())
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errors.Join(ErrClosed, p.Close())
	}
	e.sess = startSession(e, p)
	return nil
}

// relink points Options.Link at path, atomically.
func (e *Emulator) relink(path string) error {
	if e.opts.Link == "" {
		return nil
	}
	tmp := e.opts.Link + ".new"
	os.Remove(tmp) // a leftover of a crashed run; absence is fine
	if err := os.Symlink(path, tmp); err != nil {
		return fmt.Errorf("pn532 sim: link: %w", err)
	}
	if err := os.Rename(tmp, e.opts.Link); err != nil {
		return fmt.Errorf("pn532 sim: link: %w", err)
	}
	return nil
}

// Close disconnects for good and removes Link. It is idempotent.
func (e *Emulator) Close() error {
	e.mu.Lock()
	e.closed = true
	e.mu.Unlock()
	err := e.Disconnect()
	if e.opts.Link != "" {
		if rerr := os.Remove(e.opts.Link); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			err = errors.Join(err, rerr)
		}
	}
	return err
}

package pn532

import (
	"bytes"
	"time"
)

var ackFrame = []byte{0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00}

// writeTimeout bounds a write to a host that does not read.
const writeTimeout = time.Second

func (e *Emulator) isHung() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.hung
}

func (e *Emulator) currentFaults() Faults {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.faults
}

func (e *Emulator) count(f func(*Stats)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	f(&e.stats)
}

// roll reports whether a fault of chance p strikes.
func (e *Emulator) roll(p float64) bool {
	if p <= 0 {
		return false
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rng.Float64() < p
}

// intN draws from [0, n).
func (e *Emulator) intN(n int) int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.rng.IntN(n)
}

// sendACK acknowledges a command, unless the ACK is lost; the PN532 does
// not know that, and sends it again on NACK.
func (s *session) sendACK() {
	s.last = ackFrame
	if s.e.roll(s.e.currentFaults().DropACK) {
		return
	}
	s.write(ackFrame)
}

// resend answers a NACK with the last frame sent: the ACK of a command the
// PN532 is still working on, or the last answer.
func (s *session) resend() {
	if bytes.Equal(s.last, ackFrame) {
		s.sendACK()
		return
	}
	s.sendAnswer(s.last)
}

// sendAnswer sends an answer frame, corrupted or cut short when a fault
// strikes.
func (s *session) sendAnswer(frame []byte) {
	s.last = frame
	f := s.e.currentFaults()
	out := frame
	switch {
	case s.e.roll(f.Corrupt):
		out = bytes.Clone(frame)
		out[len(out)-2] ^= 0x5A // the data checksum
	case s.e.roll(f.Truncate):
		out = frame[:2+s.e.intN(len(frame)-3)] // never the checksum
	}
	s.write(out)
}

// write sends b, after a burst of noise when that fault strikes.
func (s *session) write(b []byte) {
	if s.e.roll(s.e.currentFaults().Noise) {
		s.rawWrite(s.e.noise())
	}
	s.rawWrite(b)
}

func (e *Emulator) noise() []byte {
	e.mu.Lock()
	defer e.mu.Unlock()
	b := make([]byte, 1+e.rng.IntN(16))
	for i := range b {
		b[i] = byte(e.rng.UintN(256))
	}
	return b
}

func (s *session) rawWrite(b []byte) {
	if err := s.pty.master.SetWriteDeadline(time.Now().Add(writeTimeout)); err != nil {
		return // closed
	}
	if _, err := s.pty.master.Write(b); err != nil {
		s.e.log.Debug("pn532 sim: write", "len", len(b), "err", err)
	}
}

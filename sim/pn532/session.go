package pn532

import (
	"bytes"
	"context"
	"errors"
	"os"
	"time"

	drv "karta/readers/pn532"
)

// session is the PN532 behind one pty, from power-on to Disconnect. Its
// state belongs to its goroutine, serve.
type session struct {
	e      *Emulator
	pty    *pty
	ctx    context.Context // ends at stop: a card's Transmit gives up
	cancel context.CancelFunc
	done   chan struct{}

	dec     drv.Decoder
	asleep  bool
	active  *presentation // the card InListPassiveTarget activated
	chain   []byte        // the rest of an answer, handed out with MI
	last    []byte        // the last frame sent, an ACK or an answer: sent again on NACK
	pending []byte        // an answer waiting out Faults.Slow
	due     time.Time     // when pending goes out; zero: nothing pending
	buf     [1024]byte
}

func startSession(e *Emulator, p *pty) *session {
	ctx, cancel := context.WithCancel(context.Background())
	s := &session{e: e, pty: p, ctx: ctx, cancel: cancel, done: make(chan struct{}), asleep: true}
	go s.serve()
	return s
}

// stop closes the pty and waits for serve to end.
func (s *session) stop() error {
	s.cancel()
	err := s.pty.Close()
	<-s.done
	return err
}

func (s *session) serve() {
	defer close(s.done)
	for {
		if err := s.pty.master.SetReadDeadline(s.due); err != nil {
			return
		}
		n, err := s.pty.master.Read(s.buf[:])
		switch {
		case errors.Is(err, os.ErrDeadlineExceeded):
			s.sendPending()
		case err != nil:
			return // closed by stop
		default:
			s.input(s.buf[:n])
		}
	}
}

// input takes bytes from the host: nothing while hung, a wake-up while
// asleep, frames otherwise.
func (s *session) input(b []byte) {
	if s.e.isHung() {
		s.e.count(func(st *Stats) { st.Ignored += len(b) })
		return
	}
	if s.asleep {
		i := bytes.IndexByte(b, 0x55)
		if i < 0 {
			return
		}
		s.asleep, b = false, b[i:]
		s.e.count(func(st *Stats) { st.Wakeups++ })
	}
	s.dec.Write(b)
	for {
		f, err := s.dec.Next()
		if err != nil {
			return
		}
		s.frame(f)
	}
}

func (s *session) frame(f drv.Frame) {
	switch {
	case f.Kind == drv.KindACK && s.pending != nil:
		s.pending, s.due = nil, time.Time{}
		s.e.count(func(st *Stats) { st.Aborts++ })
	case f.Kind == drv.KindNACK && s.last != nil:
		s.e.count(func(st *Stats) { st.NACKs++ })
		s.resend()
	case f.Kind == drv.KindInfo && f.TFI == drv.TFIHost:
		s.command(f.Data[0], f.Data[1:])
	}
}

// command acknowledges a command and answers it, at once or after
// Faults.Slow. A new command drops an answer still pending.
func (s *session) command(code byte, params []byte) {
	s.pending, s.due = nil, time.Time{}
	s.sendACK()
	answer, err := s.answer(code, params).Append(nil)
	if err != nil {
		s.e.log.Error("pn532 sim: answer", "code", code, "err", err)
		return
	}
	if slow := s.e.currentFaults().Slow; slow > 0 {
		s.pending, s.due = answer, time.Now().Add(slow)
		return
	}
	s.sendAnswer(answer)
}

func (s *session) sendPending() {
	answer := s.pending
	s.pending, s.due = nil, time.Time{}
	if answer != nil && !s.e.isHung() {
		s.sendAnswer(answer)
	}
}

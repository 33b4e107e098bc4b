package pn532

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"karta/readers"
)

// Reads wait in slices of readSlice, so that a done context or Reader.Close
// is noticed that fast. A frame that began but got no byte for frameGap is
// given up (the PN532 sends a frame in one go: at 115200 baud its bytes are
// 87 µs apart, and USB-serial adapters hold them back 16 ms at most).
const (
	readSlice = 20 * time.Millisecond
	frameGap  = 50 * time.Millisecond
)

// What a wait on the line ends with besides a frame.
var (
	// errDeadline: no frame came before the deadline of the wait.
	errDeadline = errors.New("pn532: deadline")
	// errDamaged: a frame arrived damaged and nothing follows it yet.
	errDamaged = errors.New("pn532: damaged frame")
)

// LineError is a failure of the serial line itself, a read or a write: the
// device was unplugged, or its port closed. The driver drops the port and
// opens it again (Options.Reopen).
type LineError struct{ Err error }

func (e *LineError) Error() string { return "pn532: serial line: " + e.Err.Error() }
func (e *LineError) Unwrap() error { return e.Err }

// line is one open port with its decoder.
type line struct {
	port     Port
	dec      Decoder
	stop     <-chan struct{} // closed by Reader.Close
	buf      [512]byte
	lastByte time.Time
}

// write sends b whole.
func (l *line) write(b []byte) error {
	for len(b) > 0 {
		n, err := l.port.Write(b)
		if err == nil && n == 0 {
			err = io.ErrShortWrite
		}
		if err != nil {
			return &LineError{err}
		}
		b = b[n:]
	}
	return nil
}

// next returns the next frame, or errDeadline once deadline passes without
// one, ctx.Err() when ctx ends, readers.ErrClosed after Reader.Close.
func (l *line) next(ctx context.Context, deadline time.Time) (Frame, error) {
	for {
		if f, err := l.dec.Next(); err == nil {
			return f, nil
		}
		if l.dec.Damaged() && !l.dec.Pending() {
			return Frame{}, errDamaged
		}
		if err := l.interrupted(ctx); err != nil {
			return Frame{}, err
		}
		wait := time.Until(deadline)
		if wait <= 0 {
			return l.flush()
		}
		if err := l.read(min(wait, readSlice)); err != nil {
			return Frame{}, err
		}
	}
}

func (l *line) interrupted(ctx context.Context) error {
	select {
	case <-l.stop:
		return fmt.Errorf("pn532: reader closed: %w", readers.ErrClosed)
	case <-ctx.Done():
		return ctx.Err()
	default:
		return nil
	}
}

// read reads what comes within timeout into the decoder, and gives up on a
// pending frame whose bytes stopped coming.
func (l *line) read(timeout time.Duration) error {
	if err := l.port.SetReadTimeout(timeout); err != nil {
		return &LineError{err}
	}
	n, err := l.port.Read(l.buf[:])
	if err != nil {
		return &LineError{err}
	}
	now := time.Now()
	if n > 0 {
		l.lastByte = now
		l.dec.Write(l.buf[:n])
	} else if l.dec.Pending() && now.Sub(l.lastByte) >= frameGap {
		l.dec.Flush()
	}
	return nil
}

// flush gives up on pending frames at a deadline, and returns a frame found
// behind them, or errDeadline.
func (l *line) flush() (Frame, error) {
	for l.dec.Pending() {
		l.dec.Flush()
		if f, err := l.dec.Next(); err == nil {
			return f, nil
		}
	}
	return Frame{}, errDeadline
}

// drain drops whatever the line holds before a new command: late answers
// to commands given up on, resent frames, noise.
func (l *line) drain() error {
	l.dec.Reset()
	for range 8 {
		if err := l.port.SetReadTimeout(time.Millisecond); err != nil {
			return &LineError{err}
		}
		n, err := l.port.Read(l.buf[:])
		if err != nil {
			return &LineError{err}
		}
		if n == 0 {
			return nil
		}
	}
	return nil
}

package pn532

import (
	"bytes"
	"errors"
)

// Decoder finds frames in a byte stream that also carries garbage: line
// noise, the remains of a frame cut short, the 55 55 00 00 ... wake-up
// preamble. It looks for the start code 00 FF, checks the length and its
// checksum (LCS), waits for the rest, checks the data checksum (DCS), and
// on any failure skips that start code and looks again from the next byte,
// so a real frame hidden behind a false start is still found.
//
// A Decoder holds at most one frame's worth of bytes beyond what it was
// last given: garbage is dropped as soon as it is seen. The zero value is
// ready to use.
type Decoder struct {
	buf     []byte
	damaged bool
}

// Write adds bytes read from the line. It never fails.
func (d *Decoder) Write(p []byte) (int, error) {
	d.buf = append(d.buf, p...)
	return len(p), nil
}

// Next returns the next whole, valid frame among the bytes written so far.
// When there is none yet it returns ErrIncomplete: write more, or Flush
// when no more is coming.
func (d *Decoder) Next() (Frame, error) {
	for {
		i := bytes.Index(d.buf, startCode)
		if i < 0 {
			d.keepTail()
			return Frame{}, ErrIncomplete
		}
		d.buf = d.buf[i:]
		f, n, err := parseAt(d.buf)
		switch {
		case err == nil:
			d.buf, d.damaged = d.buf[n:], false
			return f, nil
		case errors.Is(err, ErrIncomplete):
			return Frame{}, ErrIncomplete
		case err == errDCS:
			d.damaged = true
		}
		d.buf = d.buf[1:] // this start code opened no frame
	}
}

// keepTail drops garbage that holds no start code, but keeps a last 00: it
// may be the first half of one.
func (d *Decoder) keepTail() {
	if n := len(d.buf); n > 0 && d.buf[n-1] == 0x00 {
		d.buf = d.buf[n-1:]
		return
	}
	d.buf = d.buf[:0]
}

// Pending reports whether the Decoder holds the beginning of a frame that
// Next is waiting to complete.
func (d *Decoder) Pending() bool { return len(d.buf) >= len(startCode) }

// Damaged reports whether a frame was lost since the last good one: one
// with a wrong data checksum, or one given up by Flush. The sender may be
// asked for it again (a NACK).
func (d *Decoder) Damaged() bool { return d.damaged }

// Flush gives up on the pending frame: its start code is skipped, and a
// frame that begins later in the bytes written so far can be found. Use it
// when the line stays silent with a frame pending: the rest of a truncated
// frame, or of a false start in the noise, is never coming.
func (d *Decoder) Flush() {
	if d.Pending() {
		d.buf, d.damaged = d.buf[1:], true
	}
}

// Reset drops everything written so far.
func (d *Decoder) Reset() { d.buf, d.damaged = d.buf[:0], false }

// Buffered returns how many bytes the Decoder holds.
func (d *Decoder) Buffered() int { return len(d.buf) }

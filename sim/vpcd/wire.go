package vpcd

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// DefaultAddr is where vpcd waits for the card of its first reader, as
// Debian's /etc/reader.conf.d/vpcd configures it.
const DefaultAddr = "localhost:35963"

// DefaultATR is the ATR PC/SC part 3 gives a contactless ISO 14443-4 card
// with no historical bytes: TS 3B, T0 80, TD1 80 (T=0), TD2 01 (T=1), TCK 01.
var DefaultATR = []byte{0x3B, 0x80, 0x80, 0x01, 0x01}

// Control commands: the one-byte messages vpcd sends.
const (
	CtrlPowerOff byte = 0x00
	CtrlPowerOn  byte = 0x01
	CtrlReset    byte = 0x02
	CtrlATR      byte = 0x04
)

// MaxMessage is the longest payload the two-byte length can announce.
const MaxMessage = 0xFFFF

// ErrTooLong: a payload does not fit the two-byte length.
var ErrTooLong = errors.New("vpcd: message longer than 65535 bytes")

// ReadMessage reads one message and returns its payload. A connection closed
// between messages gives io.EOF; one closed inside a message gives
// io.ErrUnexpectedEOF.
func ReadMessage(r io.Reader) ([]byte, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	p := make([]byte, binary.BigEndian.Uint16(hdr[:]))
	if _, err := io.ReadFull(r, p); err != nil {
		return nil, noEOF(err)
	}
	return p, nil
}

// WriteMessage writes p as one message, length and payload in one write.
func WriteMessage(w io.Writer, p []byte) error {
	if len(p) > MaxMessage {
		return fmt.Errorf("%w: %d", ErrTooLong, len(p))
	}
	buf := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(p)), uint16(len(p)))
	_, err := w.Write(append(buf, p...))
	return err
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

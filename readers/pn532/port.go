package pn532

import (
	"fmt"
	"io"
	"time"

	"go.bug.st/serial"
)

// Port is the serial line to the PN532, the part of go.bug.st/serial's Port
// the driver uses.
//
// Read blocks until at least one byte arrives, the read timeout passes (it
// then returns 0, nil), or the port is closed (an error). Close unblocks a
// pending Read. Any error from Read or Write means the device is gone: the
// driver closes the Port and opens a new one through Options.Reopen.
type Port interface {
	io.ReadWriteCloser
	SetReadTimeout(t time.Duration) error
}

// DefaultBaud is the PN532's HSU speed after power-on.
const DefaultBaud = 115200

// OpenSerial opens the serial device at path (/dev/ttyUSB0, /dev/ttyS1, a
// pty) at baud (0: DefaultBaud), 8 data bits, no parity, one stop bit, in raw
// mode, which is what the PN532's HSU speaks.
func OpenSerial(path string, baud int) (Port, error) {
	if baud == 0 {
		baud = DefaultBaud
	}
	mode := &serial.Mode{BaudRate: baud, DataBits: 8, Parity: serial.NoParity, StopBits: serial.OneStopBit}
	p, err := serial.Open(path, mode)
	if err != nil {
		return nil, fmt.Errorf("pn532: open %s at %d baud: %w", path, baud, err)
	}
	return p, nil
}

var _ Port = serial.Port(nil)

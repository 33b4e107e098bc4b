package pn532

import (
	"errors"
	"fmt"

	"karta/readers"
)

// ErrRejected: the PN532 answered a command with an error frame: it found
// the command wrong at the application level (a syntax error).
var ErrRejected = errors.New("pn532: command rejected with an error frame")

// StatusError is a status byte other than success in the PN532's answer to
// a command (InDataExchange, Diagnose, InRelease). It unwraps to
// readers.ErrCardRemoved when the status means the card has gone.
type StatusError struct {
	Command byte // the command code, e.g. 0x40 for InDataExchange
	Status  byte // the status byte as received: NAD and MI bits, error code
}

// Code is the error code, bits 0 to 5 of the status byte.
func (e *StatusError) Code() byte { return e.Status & 0x3F }

func (e *StatusError) Error() string {
	return fmt.Sprintf("pn532: %s: status %02X: %s", commandName(e.Command), e.Code(), statusOf(e.Code()).text)
}

// Unwrap returns readers.ErrCardRemoved when the status says the card has
// gone, else nil.
func (e *StatusError) Unwrap() error { return statusOf(e.Code()).kind }

type status struct {
	text string
	kind error // readers.ErrCardRemoved or nil
}

// gone marks statuses that end the card's presentation: it did not answer,
// the PN532 no longer holds it, or the RF exchange broke down, after which
// the PN532 cannot resume the ISO 14443-4 session. In the field a broken
// exchange is nearly always a card being pulled away.
var gone = readers.ErrCardRemoved

// statuses are the error codes of UM0701-02 §7.1, table "Error code list".
var statuses = map[byte]status{
	0x01: {"the target has not answered (timeout)", gone},
	0x02: {"CRC error", gone},
	0x03: {"parity error", gone},
	0x04: {"erroneous bit count in anticollision", gone},
	0x05: {"framing error", gone},
	0x06: {"abnormal bit collision", gone},
	0x07: {"communication buffer too small", nil},
	0x09: {"RF buffer overflow", nil},
	0x0A: {"RF field not switched on in time", gone},
	0x0B: {"RF protocol error", gone},
	0x0D: {"overheating", nil},
	0x0E: {"internal buffer overflow", nil},
	0x10: {"invalid parameter", nil},
	0x12: {"DEP: unsupported command", nil},
	0x13: {"data format does not match the specification", gone},
	0x14: {"MIFARE authentication error", nil},
	0x23: {"UID check byte wrong", gone},
	0x25: {"DEP: invalid device state", gone},
	0x26: {"operation not allowed in this configuration", nil},
	0x27: {"command not acceptable in the current context (no such target)", gone},
	0x29: {"target released by its initiator", gone},
	0x2A: {"card ID does not match: the card was exchanged", gone},
	0x2B: {"the activated card has disappeared", gone},
	0x2C: {"NFCID3 mismatch", nil},
	0x2D: {"over-current", nil},
	0x2E: {"NAD missing", nil},
}

func statusOf(code byte) status {
	if s, ok := statuses[code]; ok {
		return s
	}
	return status{text: "unknown error code", kind: nil}
}

// checkStatus returns a *StatusError for a status byte whose error code is
// not 0.
func checkStatus(cmd, st byte) error {
	if st&0x3F == 0 {
		return nil
	}
	return &StatusError{Command: cmd, Status: st}
}

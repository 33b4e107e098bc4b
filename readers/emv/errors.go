package emv

import (
	"errors"
	"fmt"
)

// Sentinel errors of a read. A card taken away mid-read is reported with
// readers.ErrCardRemoved (wrapped), and never with a partial Identity.
var (
	// ErrMalformed: the card sent bytes that do not parse (bad TLV, short
	// response, invalid AFL, a card number that is not digits).
	ErrMalformed = errors.New("emv: malformed card data")
	// ErrStatus: the card refused a command; the error is a *StatusError.
	ErrStatus = errors.New("emv: card refused a command")
	// ErrNoApplication: no payment application could be selected.
	ErrNoApplication = errors.New("emv: no payment application on the card")
	// ErrNoPAN: applications were read but none gave a card number.
	ErrNoPAN = errors.New("emv: no card number found")
	// ErrTooManyAPDUs: the card kept the reader busy past the exchange limit.
	ErrTooManyAPDUs = errors.New("emv: too many exchanges")
)

// StatusError is a card's refusal of one command.
type StatusError struct {
	Command string // "SELECT", "GPO", "READ RECORD", ...
	SW      uint16
}

func (e *StatusError) Error() string {
	return fmt.Sprintf("emv: %s: card answered %04X (%s)", e.Command, e.SW, swMeaning(e.SW))
}

// Unwrap makes errors.Is(err, ErrStatus) hold.
func (e *StatusError) Unwrap() error { return ErrStatus }

var swMeanings = map[uint16]string{
	0x6700: "wrong length",
	0x6985: "conditions of use not satisfied",
	0x6A81: "function not supported",
	0x6A82: "file or application not found",
	0x6A83: "record not found",
	0x6A86: "incorrect P1 P2",
	0x6A88: "referenced data not found",
	0x6D00: "instruction not supported",
	0x6E00: "class not supported",
	0x6F00: "no precise diagnosis",
	0x6283: "selected file invalidated",
}

func swMeaning(sw uint16) string {
	if m, ok := swMeanings[sw]; ok {
		return m
	}
	return "unexpected status"
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformed, fmt.Sprintf(format, args...))
}

package pcsc

import (
	"errors"
	"fmt"

	"github.com/ebfe/scard"

	"karta/readers"
)

// kinds sorts PC/SC errors into the readers sentinels. Anything else stays
// a plain scard.Error, wrapped with what was being done.
var kinds = map[scard.Error]error{
	// The card went: taken out of the field, or reset or powered down by
	// someone else, which for a contactless card is the same thing. A
	// contactless exchange that fails (not transacted, unresponsive) is a
	// card leaving the field in all but name: the read is incomplete
	// either way, and pcscd reports the removal only at its next poll.
	scard.ErrRemovedCard:      readers.ErrCardRemoved,
	scard.ErrNoSmartcard:      readers.ErrCardRemoved,
	scard.ErrResetCard:        readers.ErrCardRemoved,
	scard.ErrUnpoweredCard:    readers.ErrCardRemoved,
	scard.ErrUnresponsiveCard: readers.ErrCardRemoved,
	scard.ErrNotTransacted:    readers.ErrCardRemoved,

	// The reader or the service went: unplugged, or pcscd stopped. An
	// invalid handle is a context or card from before a pcscd restart.
	scard.ErrReaderUnavailable:  readers.ErrReaderGone,
	scard.ErrUnknownReader:      readers.ErrReaderGone,
	scard.ErrNoReadersAvailable: readers.ErrReaderGone,
	scard.ErrNoService:          readers.ErrReaderGone,
	scard.ErrServiceStopped:     readers.ErrReaderGone,
	scard.ErrCommError:          readers.ErrReaderGone,
	scard.ErrInvalidHandle:      readers.ErrReaderGone,
	// pcsc-lite 1.9 at times answers a wait whose pcscd was killed under
	// it with "Access denied." (SCARD_W_SECURITY_VIOLATION) instead of
	// "Service not available."; polkit refusing the client says the same.
	// Either way the reader cannot be used now, and is tried again later.
	scard.ErrSecurityViolation: readers.ErrReaderGone,

	scard.ErrTimeout: readers.ErrTimeout,
}

// wrap gives err its context and, when PC/SC's error has a meaning for
// karta, the readers sentinel: errors.Is works for both.
func wrap(op string, err error) error {
	var se scard.Error
	if errors.As(err, &se) {
		if kind, ok := kinds[se]; ok {
			return fmt.Errorf("pcsc: %s: %w (%w)", op, kind, se)
		}
	}
	return fmt.Errorf("pcsc: %s: %w", op, err)
}

// serviceGone reports whether err means the PC/SC context is useless and a
// new one must be established.
func serviceGone(err error) bool {
	return errors.Is(err, scard.ErrNoService) || errors.Is(err, scard.ErrServiceStopped) ||
		errors.Is(err, scard.ErrCommError) || errors.Is(err, scard.ErrInvalidHandle)
}

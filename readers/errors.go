package readers

import "errors"

// Sentinel errors shared by every driver. Drivers wrap them with context;
// callers test with errors.Is.
var (
	// ErrCardRemoved: the card left the field before the exchange completed.
	ErrCardRemoved = errors.New("readers: card removed")
	// ErrReaderGone: the reader was unplugged or its service went away.
	ErrReaderGone = errors.New("readers: reader gone")
	// ErrClosed: the card or reader was already closed.
	ErrClosed = errors.New("readers: closed")
	// ErrTimeout: the card or reader did not answer in time.
	ErrTimeout = errors.New("readers: timeout")
)

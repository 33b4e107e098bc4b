package readers

import "context"

// Reader is a card reader: it waits for a card to enter its field.
type Reader interface {
	// WaitCard blocks until a card is presented or ctx is done. It returns
	// ctx.Err() when the context ends first, and an error wrapping
	// ErrReaderGone when the reader itself has disappeared.
	WaitCard(ctx context.Context) (Card, error)
	// Name identifies the reader in logs and metrics, e.g. "ACS ACR122U 00 00".
	Name() string
}

// Card is one presentation of a card in a reader's field.
type Card interface {
	// Transmit sends one command APDU and returns the response including
	// SW1 SW2. It fails with ErrCardRemoved when the card has left the field
	// and with ErrClosed after Close.
	Transmit(ctx context.Context, command []byte) ([]byte, error)
	// WaitRemoved blocks until the card has left the field (nil) or ctx is
	// done (ctx.Err()).
	WaitRemoved(ctx context.Context) error
	// Close releases the card. It is safe to call more than once.
	Close() error
}

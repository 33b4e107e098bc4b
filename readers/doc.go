// Package readers defines what every card reader driver offers the rest of
// karta: a Reader that waits for a card, and a Card that exchanges APDUs.
//
// # The model
//
// A Reader is one physical (or virtual) reader: a PC/SC slot, a PN532 on a
// serial line, a transcript file. WaitCard blocks until a card enters the
// field and returns a Card for that one presentation. The Card lives until the
// person takes it away or the caller closes it; a new presentation of the same
// plastic is a new Card.
//
// A Card speaks ISO 7816-4 APDUs: Transmit sends one command and returns the
// response with its two status bytes SW1 SW2 at the end. Transmit does no
// status-word handling of its own (61xx, 6Cxx and friends are the job of the
// protocol layer above, readers/emv), so a driver stays a thin pipe.
//
// # Removal
//
// A card that leaves the field mid-exchange makes Transmit fail with an error
// for which errors.Is(err, ErrCardRemoved) holds. Callers must treat whatever
// they read before that as incomplete: a half-read card yields no identity.
// WaitRemoved blocks until the card has gone, so a pipeline can wait for the
// person to take the card away before it reads the next one.
//
// # Caveats
//
//   - The bytes returned by Transmit belong to the caller; a driver never
//     reuses them.
//   - After Close, Transmit returns ErrClosed; Close is idempotent.
//   - A Card is used by one goroutine at a time. Reader.WaitCard may be called
//     again only after the previous Card is closed.
//   - Response data may carry the card number (PAN). Drivers never log
//     response bytes; see readers/emv for where the PAN may live.
package readers

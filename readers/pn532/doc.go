// Package pn532 is the readers driver for an NXP PN532 NFC controller on a
// serial line (HSU, the PN532's UART), the module found on cheap NFC boards
// and inside many validators. It follows the PN532 User Manual, UM0701-02.
//
// # The model
//
// New takes an open Port (OpenSerial opens one with go.bug.st/serial) and
// gives a Reader. The Reader does nothing on the line until it is needed:
// the first WaitCard wakes the PN532 (55 55 and a long preamble), sends
// SAMConfiguration (normal mode), GetFirmwareVersion (to see that a PN532
// answers) and RFConfiguration MaxRetries (so that a look for a card ends).
// WaitCard then looks for a card with InListPassiveTarget (one target, 106
// kbps type A) every Options.PollInterval, and returns a Card for the first
// one whose SEL_RES says ISO 14443-4.
//
// Card.Transmit sends an APDU with InDataExchange. An answer too long for
// the PN532 to hand over in one frame comes with the MI bit in its status
// byte, and the driver fetches the rest with InDataExchange carrying no
// data until the bit is clear, so long records arrive whole. A status byte
// saying the card did not answer or has gone (see StatusError) ends the
// presentation: errors.Is(err, readers.ErrCardRemoved).
//
// Card.WaitRemoved polls with Diagnose NumTst 06, the attention request:
// for an ISO 14443-4 card the PN532 runs a presence check on the card that
// is still activated. Polling with InListPassiveTarget instead would not
// do: a card in the middle of its ISO 14443-4 session ignores the
// anticollision that looks for new cards, so it would seem gone while it
// is still there. Card.Close sends InRelease.
//
// # The line
//
// Every command waits for the PN532's ACK (Options.AckTimeout) and is sent
// again if none comes or a NACK does; every answer is waited for
// (Options.Timeout). The Decoder finds frames among garbage: it resyncs on
// the start code 00 FF, checks both checksums and the length, and gives up
// on a frame whose bytes stop coming. A damaged or truncated answer is
// asked for again with a NACK. All of that at most Options.Retries times;
// then the command fails with readers.ErrTimeout, and a command the PN532
// may still be working on is aborted with an ACK.
//
// A read or write error on the port means the device is gone (an
// unplugged USB adapter): the driver closes the port and, on the next
// WaitCard, opens it again with Options.Reopen, pausing Options.Backoff
// (doubling up to MaxBackoff) between attempts. After Retries failed
// attempts in a row WaitCard reports readers.ErrReaderGone; the next
// WaitCard starts over, so a caller that retries after a pause survives a
// device that comes back.
//
// # Caveats
//
//   - The driver starts no goroutines: every wait runs in the caller's
//     goroutine, in slices of 20 ms, so a done context or Reader.Close ends
//     it that fast.
//   - A Card belongs to one configuration of the device. After a timeout or
//     a lost line the PN532 is woken and configured anew, and Cards found
//     before fail with readers.ErrCardRemoved.
//   - WaitCard returns at once when a card is already in the field, the
//     same card again after a Close that did not wait for its removal.
//   - A late copy of an earlier answer could pass for the answer to the
//     current command when both have the same code: the driver empties the
//     line before each command and NACKs only damaged frames, which makes
//     that unlikely, not impossible, on a very noisy line.
//   - Only ISO 14443 type A cards are looked for: contactless bank cards
//     are type A or B, and the Mir cards of the region are type A.
//   - Responses may carry the card number: the package logs command codes,
//     status bytes, APDU headers, lengths and status words, never data.
package pn532

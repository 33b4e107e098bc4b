// Package pcsc is the readers driver for PC/SC: any reader pcscd knows (the
// ACS ACR122U and other CCID contactless readers), through libpcsclite and
// github.com/ebfe/scard.
//
// # The model
//
// Open connects to the PC/SC service, pcscd, and gives a Context. A Context
// lists the readers and makes a Reader for one of them, found by its full
// name or by a prefix of it, so that "ACS ACR122U" still finds the reader
// after it was plugged into another port and renumbered. Each Reader has a
// PC/SC context of its own, because PC/SC cancels blocking calls per
// context: cancelling one Reader's wait never disturbs another's.
//
// Reader.WaitCard waits with SCardGetStatusChange for a card in the field,
// connects to it (shared, any protocol, unless Options say otherwise) and
// returns a Card. While the reader is unplugged, WaitCard waits for it on
// PC/SC's reader-list notification (the `\\?PnP?\Notification` pseudo
// reader) and carries on when it is back; an unplugged reader is not an
// error. WaitCard returns only with a card, when ctx ends (ctx.Err()), after
// Close (readers.ErrClosed), or when pcscd itself has gone
// (readers.ErrReaderGone). A Reader outlives pcscd: the next WaitCard
// connects to the service afresh, so a caller that retries after a pause
// survives a pcscd restart without reopening anything.
//
// A Card sends APDUs with SCardTransmit in the protocol the reader chose
// (T=1 for contactless cards). PC/SC's errors are sorted into the readers
// sentinels (see kinds in errors.go): a card taken away, reset or no longer
// answering is readers.ErrCardRemoved, a reader or pcscd gone is
// readers.ErrReaderGone, and the scard.Error stays in the chain for
// errors.As. Card.WaitRemoved waits for the reader to be empty, or for
// another card to have replaced this one. Card.Close disconnects leaving the
// card as it is (Options.Disposition can reset or unpower it instead).
//
// ACR122U pseudo-APDUs: Card.UID sends GET DATA (FF CA 00 00 00) and
// Card.Signal the bi-colour LED and buzzer control (FF 00 40 ...).
//
// # Cancellation
//
// SCardGetStatusChange blocks in C. A wait whose ctx ends is unblocked with
// SCardCancel on the Reader's context, sent from a goroutine that exists
// only once ctx has ended and repeats the cancel until the wait returns (a
// cancel that arrives just before pcscd has registered the wait is lost).
// When WaitCard or WaitRemoved returns, no goroutine of theirs is left.
//
// libpcsclite takes its process-wide lock and then waits for the lock of
// the context a call is on. A call on a context that is blocked in
// SCardGetStatusChange would therefore stall every PC/SC call of the
// process, SCardCancel included: a deadlock. So calls on a context take
// turns on a Go mutex first, and only SCardCancel skips the queue; Close
// cancels first and then waits for its turn.
//
// # Caveats
//
//   - WaitCard returns at once when a card is already in the field, the
//     same card again after a Close that did not wait for its removal. Call
//     Card.WaitRemoved first to wait for the next presentation.
//   - SCardTransmit cannot be interrupted: Transmit checks ctx before the
//     exchange only, and the reader's own timeouts bound it.
//   - pcscd reports a card that left mid-exchange as a failed exchange
//     (SCARD_E_NOT_TRANSACTED) before its next poll reports it missing;
//     both count as ErrCardRemoved.
//   - A Card belongs to its Reader's PC/SC context, so its calls and the
//     Reader's take turns. Use a Card from one goroutine, and call WaitCard
//     again only once the previous Card is closed. Closing the Reader
//     unblocks the WaitRemoved of its cards and makes them useless.
//   - One Reader per physical reader. ebfe/scard keeps the C copies of
//     reader names in a global map keyed by name, so two waits on one name
//     at once could let the collector free a name C still reads; Readers
//     take turns on the shared PnP pseudo reader for that reason.
//   - Responses may carry the card number: the package logs reader events,
//     ATRs and errors, never APDU data.
//   - Open, and the first WaitCard after pcscd restarted, need pcscd to be
//     running; with systemd socket activation connecting starts it.
package pcsc

// Package vpcd puts virtual cards into a real PC/SC stack: it is the card
// side (a "virtual ICC") of vsmartcard's vpcd driver for pcscd, so that
// pcscd, libpcsclite and readers/pcsc see a card where there is none.
//
// # The model
//
// Debian's vsmartcard-vpcd package adds a reader driver to pcscd. For each of
// its slots the driver listens on a TCP port (35963 for "Virtual PCD 00 00",
// 35964 for "Virtual PCD 00 01"; the first port is the CHANNELID of
// /etc/reader.conf.d/vpcd) and waits for a virtual card to connect. A Client
// is that card: Insert connects to the port, and from then on pcscd sees a
// card in the reader; Remove closes the connection, and pcscd sees the reader
// empty. There is no way to stay connected without a card: a closed
// connection is a card that has left the field.
//
// # The wire
//
// Every message, in both directions, is a two-byte big-endian length and
// that many bytes. A one-byte message from vpcd is a control command:
//
//	00  power off            (no answer)
//	01  power on             (no answer)
//	02  reset                (no answer)
//	04  get ATR              (answer: the ATR)
//
// Any longer message is a command APDU, answered with the response APDU.
// pcscd asks for the ATR every 400 ms or so to learn whether the card is
// still there, so a Client answers ATR requests at any time.
//
// # Cards
//
// The card's answers come from a Responder: a sim card's Insert, a
// transcript.NewCard, any readers.Card. Insert takes a function that makes a
// fresh Responder, because each power-up (and each reconnection) is a new
// presentation of the card with a fresh card OS state. A Responder whose
// Transmit fails with readers.ErrCardRemoved (sim's vanishing card, a
// readertest.Card with RemoveAfter) makes the Client drop the connection at
// that point: the card leaves the field mid-exchange, as it would in a real
// reader.
//
// # Caveats
//
//   - pcscd notices a new connection only at its next presence poll, and a
//     dropped one when the next message fails; both take up to half a second.
//     Tests wait for the PC/SC state, never for the Client.
//   - Delay makes every answer late; pcscd itself has no timeout on vpcd, so
//     a long Delay is a hung card, not a timed-out one.
//   - vpcd writes a message's length and its payload with two send calls;
//     with Nagle on vpcd's side and delayed ACKs on the card's, each APDU
//     would wait about 40 ms. On Linux the Client sets TCP_QUICKACK before
//     every read (under 1 ms per APDU instead of 44 ms on Debian 12).
//   - The Client logs control commands, status words and counts, never APDU
//     data: responses carry the card number.
package vpcd

// Package transcript reads, writes, replays and records card transcripts: the
// commands a terminal sent to a card and the responses it got back.
//
// # The format
//
// A transcript is UTF-8 text, one item per line (see shared/transcripts.md):
//
//	# comment
//	C: 00A404000E325041592E5359532E444446303100
//	R: 6F...9000
//	C: *
//	R: 6A82
//
// "C:" is a command APDU and "R:" the response to the command just above it,
// SW1 SW2 included, in hex of either case with spaces allowed inside. "C: *"
// is a command that was not recorded. A C: with no R: below it is a command
// whose answer was not recorded (real traces have them): it is kept and
// written back, and never answers in replay. Blank lines and "#" lines are
// ignored; anything else, an R: without a C: above it, and a response
// shorter than two bytes are syntax errors (ErrSyntax, with the line number
// in a *SyntaxError).
//
// # Replay
//
// NewCard turns a Transcript into a readers.Card. The transcript is not a
// script: commands may come in any order. Each command gets the response of
// the first unused exchange whose command matches it, and each exchange is
// used once; a command nothing matches gets 6A82 (SELECT) or 6D00. Matching
// forgives what changes between runs of a real terminal:
//
//   - SELECT (INS A4): same P1 P2, and one name a prefix of the other, as
//     cards accept a partial AID.
//   - GET PROCESSING OPTIONS (80 A8) and GENERATE AC (80 AE): the header
//     only, since their data carry the date and an unpredictable number.
//   - GET RESPONSE (INS C0): the INS only.
//   - anything else: header and data exactly; Le may differ or be absent.
//   - "C: *" matches any command, but only once the conversation has
//     reached it: once the answered exchange recorded just before it has
//     been used (or at once, if it comes first). This refines
//     shared/transcripts.md, whose words let a terminal's first unknown
//     command, such as the Mir fast path's SELECT A000000658 on a foreign
//     card, take an answer recorded for a later step (a GPO, typically):
//     with it, no reader that probes for Mir could replay those traces.
//
// # Recording
//
// Record wraps a readers.Card and keeps every successful exchange;
// Recorder.Transcript and Transcript.WriteTo turn them into a file that
// Parse reads back.
//
// # Caveats
//
//   - A recorded transcript holds the card number (PAN) as the card sent it.
//     Mask it before the transcript leaves memory; this package does not.
//   - Comments lose their place: Parse gathers them in Transcript.Comments and
//     WriteTo writes them all first.
//   - Lines are limited to 1 MiB; longer ones are syntax errors.
//   - Only short APDUs are understood. An extended-length or malformed
//     command is matched byte for byte.
package transcript

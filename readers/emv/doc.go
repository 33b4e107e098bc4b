// Package emv answers one question fast and safely: whose card is this?
//
// It reads a contactless EMV card through a readers.Card and returns an
// Identity: the scheme and application, expiry, PAN sequence number, whether
// the card carries a Payment Account Reference, the number of exchanges the
// read took, and tokens (keyed HMACs) of the card number and of the PAR. The
// card number itself never leaves the read: it lives in one buffer that is
// wiped before Read returns, and its only printable form is the mask
// 220245******2347.
//
// # The read
//
// The fast path is for Mir: SELECT by the partial AID A000000658, GET
// PROCESSING OPTIONS with the PDOL filled from terminal values (country and
// currency 0643, today's date, a fresh unpredictable number, TTQ, amount 0;
// unknown tags zero-filled), then READ RECORD along the AFL only until the
// card number and its expiry are known. A Mir card that keeps both in its
// first record is identified in 3 exchanges. When Mir is not there, the
// reader falls back to the card's directory (PPSE, then the contact PSE),
// Mir applications first so a co-badged card reads as Mir, then to direct
// SELECT of the known AIDs (Visa, Mastercard, Maestro, UnionPay, Amex, JCB,
// and a few more). Non-Mir cards are read the same way, so that a person can
// be told "not a Mir card", and so that tests can use the world's cards.
//
// The card number comes from 5A, else track 2 (57), else 9F6B; expiry from
// 5F24 or track 2; PSN from 5F34; PAR from 9F24. GPO answers in format 1
// (80) and format 2 (77) are understood, including one that already carries
// the number. The GPO step is a GPOStep, so an application that needs other
// terminal data can be given its own without touching the rest.
//
// # What real cards do
//
// Exchanger hides the transport status words: 61xx is followed by GET
// RESPONSE, 6Cxx by the same command with the right Le. Warnings 62xx and
// 63xx still carry data. Refusals (6985, 6A82, 6A83, 6D00, ...) are
// *StatusError values, and bad data (truncated TLV, an AFL that is not a
// multiple of four, a number that is not digits) wraps ErrMalformed. Both
// end only the application being read; the reader moves on to the next and,
// if none gives an identity, returns a *ReadError that lists why each failed.
//
// # Caveats
//
//   - A card taken away mid-read fails the read with an error wrapping
//     readers.ErrCardRemoved. There is no partial identity.
//   - Values in a parsed TLV alias the input buffer.
//   - Debug logs carry command headers, status words and lengths, never
//     response data: a READ RECORD answer holds the card number in clear.
//   - A read is bounded: at most 64 exchanges and 16 GET RESPONSE rounds, so
//     a hostile card cannot hold the reader.
package emv

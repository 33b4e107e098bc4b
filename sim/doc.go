// Package sim simulates what karta meets in the field, so that tests, demos
// and benchmarks run without hardware.
//
// # Virtual cards
//
// A Card is a small contactless EMV card: an optional PPSE directory, one or
// more payment applications, each with a PDOL, a GET PROCESSING OPTIONS
// answer and records. Insert puts a fresh presentation of it in a reader's
// field as a readers.Card; every presentation starts with nothing selected.
//
// Cards knows the catalogue (Mir debit and credit, Mir with the number only
// in track 2, Mir with a PAR, Mir Pay, a co-badged Mir + Maestro, Visa and
// Mastercard variants, an expired card, and cards that misbehave: malformed
// or truncated answers, 61xx and 6Cxx transport quirks, warnings, a card
// that vanishes mid-read). WriteTranscript writes a read of any of them in
// the transcript format of readers/transcript.
//
// # Caveats
//
//   - The card numbers here are test numbers in real issuer ranges. They are
//     fine in test data, but tests still check that no output carries them.
//   - A Card value is a description; it is safe to Insert from several
//     goroutines, each presentation keeping its own state.
package sim

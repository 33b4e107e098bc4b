// Package token turns card numbers into the tokens karta keeps instead.
//
// A token is a keyed HMAC-SHA256 of the card number (PAN), or of the
// card's Payment Account Reference (PAR, EMV tag 9F24), cut to 120 bits and
// written as the key id, a dot and 20 base64url characters:
//
//	k1.Q2hhbmdlIG1lIHBsZWFz
//
// The key id lets keys rotate: a list or a database can hold tokens of two
// keys at once and tell them apart. PAN and PAR tokens are domain-separated,
// so a PAN can never produce the token of a PAR or the other way round.
//
// Whoever holds the key can test a guessed card number against a token, so
// the key is a secret of the same class as the card numbers themselves: it
// lives on devices and at central, never in lists, logs or exports.
//
// # Caveats
//
//   - The input bytes are the card number as ASCII digits; the caller wipes
//     them. This package keeps no copy.
//   - A Key's String method never shows the secret.
package token

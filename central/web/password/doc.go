// Package password hashes the ops UI's passwords and checks them, with
// PBKDF2-HMAC-SHA256 (crypto/pbkdf2) and a 16-byte random salt per hash.
// A hash is one string that carries everything needed to check it:
//
//	pbkdf2-sha256$600000$SALT$HASH
//
// with the iteration count in decimal and salt and key in unpadded
// base64 (standard alphabet). Raising DefaultIterations later leaves old
// hashes checkable: each says its own count.
//
// # Caveats
//
//   - A password is a string: Go cannot wipe it. Keep it no longer than
//     the request that carries it, and never log it.
//   - Check compares in constant time, but its time grows with the
//     iterations a hash says; Parse refuses counts outside
//     [MinIterations, MaxIterations] so that a forged hash cannot make a
//     login take hours.
package password

// Package bundle is the signed list bundle: how central ships one version
// of a list (bus-fleet, school-39, ...) to devices, and how a device makes
// sure of it before installing a single entry.
//
// # The model
//
// A list has versions 1, 2, 3, ... A bundle carries one of them, either as
// a snapshot (the whole list: Base 0, puts only) or as a delta (the changes
// from exactly version Base: puts and deletes). A bundle is a signed
// manifest plus chunks.
//
// The manifest (Manifest) names the list, version, base, issue and expiry
// times, the op count, the id of the signing key, and each chunk's size and
// sha256. Its JSON encoding, as bytes, is what central signs with Ed25519.
// The signed manifest travels as JSON too, and is the retained payload of
// karta/v1/lists/{list}/manifest:
//
//	{"key_id":"k1","manifest":"<base64 of the manifest bytes>","sig":"<base64 of the signature>"}
//
// The manifest is parsed from exactly the bytes that were signed, never
// re-encoded, so no canonical JSON is needed to verify.
//
// A chunk is a gzip stream of op records, cut after about 256 KiB of them
// (Options.ChunkSize) so that it fits an MQTT message. An op record is
//
//	kind(1 byte: 1 put, 2 delete)
//	token(uvarint length, bytes)
//	entry(uvarint length, bytes)    puts only: offline.AppendEntry's encoding
//
// Tokens are strictly increasing through the whole bundle, each named once:
// a snapshot installs in key order, and a delta is unambiguous.
//
// Devices pin the public keys (a KeyRing) at provisioning. Open checks, in
// this order, before any op is handed out: a trusted key id, the
// signature, the manifest format, the expiry, every chunk's presence, size
// and sha256, and then every op (record, token, order, entry, count).
// Then the Verified streams the ops as an offline.OpSource, one chunk
// inflated at a time. Whether the version is newer than the installed one,
// and whether a delta's base is the installed version, is the list
// store's to check (offline.ErrRollback, offline.ErrWrongBase).
//
// A Writer builds a version: NewSnapshot or NewDelta, Put and Delete in
// any order, then Sign with a SigningKey.
//
// # Files
//
// One bundle in one file, for USB sticks and single-file transfer:
//
//	"KARTA-BUNDLE 1\n", then the signed manifest and each chunk, each
//	preceded by its length as 4 bytes big-endian; the chunks run to the end.
//
// Key files are one line (like offline/token's), the key in base64url
// without padding:
//
//	karta-list-signing-key v1 ID SEED   the 32-byte Ed25519 seed; mode 0600, central only
//	karta-list-public-key v1 ID KEY     the 32-byte Ed25519 public key; on every device
//
// # Caveats
//
//   - Open reads every chunk twice (once to check, on every CPU; once to
//     yield); it does not copy the chunks, so the caller must not change
//     them while the Verified is in use. A Verified is for one goroutine.
//   - Refusals say where: "chunk 3, op 17" is the 17th op of the third
//     chunk, both counted from 1.
//   - PeekManifest and Inspect skip the signature: they are for showing a
//     file, never for installing it.
//   - A bundle carries tokens, never card numbers: Writer refuses any token
//     offline/token could not have made. Tokens are not secrets, but keep
//     them out of logs meant for the public all the same.
//   - Limits: a signed manifest of at most 4 MiB, chunks of at most 16 MiB
//     compressed or inflated, entries of at most 64 KiB.
package bundle

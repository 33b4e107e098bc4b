// Package sync is the MQTT link between a device and central, and the wire
// messages both sides speak. Import it as tapsync: it shadows the standard
// library's sync.
//
// # Delivery
//
// Delivery is guaranteed by the application, not by MQTT. The device's
// journal is the outbox: taps go up in batches of contiguous seq ranges
// (TapBatch, on karta/v1/dev/{id}/taps, QoS 1); central stores them,
// deduplicates on (device, seq), commits, and only then acks the ranges
// (Ack, on karta/v1/dev/{id}/ack). The device prunes only what was acked
// and sends again whatever was not, in any order, as often as needed: a
// replayed batch is harmless. Nothing relies on the broker's order, its
// session store, or paho's.
//
// # Messages
//
// Every payload is JSON with a version field "v" (this package: 1); a
// payload larger than CompressAbove bytes is gzip-compressed, and decoders
// recognise gzip by its magic bytes. Decoders refuse what they do not
// understand with an error wrapping ErrPayload and a reason, and bound
// what they accept (MaxPayload, MaxBatch): a hostile payload costs nothing
// but its rejection.
//
// Lists travel as the bundles of offline/bundle: an offer (ListOffer) of
// signed manifests, the latest version as a snapshot and as deltas, is
// retained on karta/v1/lists/{list}/manifest, and each version's chunks
// are retained on karta/v1/lists/{list}/{version}/{base}/{i}. Device
// config (retained) and commands come signed (Signed, made by Sign), with
// the same Ed25519 keys as lists; DecodeConfig and DecodeCommand verify
// the signature before they parse a byte of the payload.
package sync

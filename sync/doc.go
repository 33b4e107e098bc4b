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
//
// # The downlink
//
// A Link with a Downlink also receives from central. On every connection
// it subscribes to its config and cmd topics and to the offer of each list
// its rules consult. Its MQTT handlers only hand messages over on bounded
// channels (what does not fit is dropped and comes again); two goroutines
// of the link do the work, never on the tap path:
//
//   - Lists. Each manifest of an offer is verified on its own
//     (bundle.VerifyManifest: pinned key, signature, expiry); the offer
//     itself is not signed, so a forged one can withhold a version but
//     never install one. The plan goes from the installed version to the
//     latest offered: nothing if it is installed; else the shortest chain
//     of offered deltas from it; else the newest snapshot (and deltas from
//     it). A latest version below the installed one is a rollback and is
//     refused. Versions are fetched one at a time: the device subscribes
//     to the exact topics of the chunks it lacks, a window at a time
//     (DownlinkOptions.Window), so it never holds more than a window of
//     chunks in memory and never asks twice for a chunk it has stored.
//     Each chunk is checked against the verified manifest (size, sha256)
//     as it arrives and kept in {Dir}/lists/{list}/{version}-{base}/{i}.chunk; a
//     bad one is dropped and asked for again when the fetch stalls
//     (DownlinkOptions.Stall). A download resumes from those files after
//     a reconnect or a restart. When every chunk is there the bundle goes
//     to the Installer, the device's one install path (bundle.Open, then
//     the list store), and the files are removed. A refusal at any step
//     is logged with its reason and leaves the installed list as it was.
//   - Config and commands. A config of a version above the running one
//     goes to the ConfigApplier, which compiles it and swaps the rules in,
//     or refuses it (the reason goes into Status.ConfigError). A command
//     runs once by its id (the ids run are kept in {Dir}/commands.json
//     until they expire) and its result goes into Status.Command, which is
//     published at once.
//
// # Central's side of the downlink
//
// Central retains the offer on the manifest topic and every chunk on its
// own chunk topic, QoS 1, before or after the offer (a device waits for
// chunks it lacks). It may change the offer at any time: a device drops a
// download no longer offered. It clears the chunks of a version it no
// longer offers with empty retained messages on their topics; devices
// ignore empty payloads. It must never publish different chunks under the
// topic of a version already offered.
package sync

// Package ingest is how taps reach central's database exactly once.
//
// Batches arrive on karta/v1/dev/+/taps (a shared subscription when
// several central instances share a broker). Each is decoded and checked
// (tapsync.DecodeTapBatch: the payload's device must be the topic's), then
// batches from all devices are gathered into rounds; a round is stored in
// one transaction (group commit), deduplicated on (device, seq) by the
// database, and only after the commit does each device get its ack. A
// batch that is lost, refused or arrives twice costs nothing: the device
// sends again until acked, and the database keeps one copy.
//
// A decommissioned (revoked) device's batches are refused: not stored,
// not acked, counted as refused, and logged once a device. The revoked
// devices are read from the registry every RevokedEvery, not for each
// batch.
//
// # Caveats
//
//   - The MQTT handler never blocks: when rounds back up, new batches are
//     dropped (and counted); their devices send them again.
//   - An ack is sent for what was stored, duplicates included, so a
//     device whose earlier ack was lost can prune.
//   - A device decommissioned while central runs has its batches stored
//     for up to RevokedEvery more (3 s by default); so does every device
//     decommissioned while the registry cannot be read, until it can.
//   - Saved (alert checks) sees each stored batch after the round's acks
//     are out, on the round's goroutine: a hook must queue the work, not
//     do it (alerts.Checker.Batch does).
package ingest

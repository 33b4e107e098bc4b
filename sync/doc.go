// Package sync is the agent's MQTT link and the wire messages it shares
// with central: the journal's uplink in contiguous seq batches, acks,
// signed lists, config and commands coming down. Delivery is guaranteed by
// the application (journal as outbox, dedupe at central), not by MQTT.
//
// It shadows the standard library's sync: import it as tapsync.
package sync

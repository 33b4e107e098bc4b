// Package central is karta-central: ingest of every tap exactly once
// (dedupe on device and seq, commit, then ack), storage (SQLite by default,
// PostgreSQL when a region outgrows it), list building and signing, the
// device registry, the embedded MQTT broker, and the ops web UI and API.
//
// It imports sync for the wire messages and offline for the bundle format,
// never agent.
package central

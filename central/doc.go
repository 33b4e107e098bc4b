// Package central is karta-central: ingest of every tap exactly once
// (dedupe on device and seq, commit, then ack), storage (SQLite by default,
// PostgreSQL when a region outgrows it), list building and signing, device
// config and commands, alerts, the device registry, the embedded MQTT
// broker, and the HTTP API. Its parts:
//
//	broker    the embedded MQTT broker: device passwords or certificates, per-device ACL
//	ingest    tap batches → one transaction a round → acks
//	store     the database: taps, devices, entitlements, lists, configs, commands, alerts
//	registry  registry exports (CSV, JSONL) read into entitlements, card numbers tokenized at once
//	lists     per-audience lists built as signed snapshot + delta, published as offers and chunks
//	control   signed device config and commands, issued into the store and delivered by serve
//	alerts    seq gaps, clock skew, cloned cards, full journals, checked off ingest's path
//	api       health, metrics and the read-only JSON API
//	pki       the fleet CA for brokers with client certificates
//
// It imports sync for the wire messages and offline for the bundle format,
// never agent.
package central

// Package api is karta-central's HTTP interface for machines: health and
// Prometheus metrics for whoever runs central, and a read-only JSON API of
// what central holds — devices, taps, alerts, list versions — for the
// regional system and for ops tools.
//
//	GET /healthz                   200 when the database answers, else 503
//	GET /metrics                   Prometheus: taps stored, dropped and refused by ingest, devices
//	GET /api/v1/devices            the registry with each device's last status
//	GET /api/v1/devices/{id}       one device (404 if unknown)
//	GET /api/v1/taps?…             a page of taps, newest first; ?format=csv for CSV
//	GET /api/v1/alerts[?open=1]    alerts, newest first
//	GET /api/v1/lists/{list}       a list's stored versions
//
// Taps are selected by device, token, role, reason, allowed (true/false),
// from and to (RFC 3339 device time, from inclusive, to exclusive), and
// paged by limit and offset. A malformed parameter is a 400 whose JSON
// body says which; nothing is guessed.
//
// # Caveats
//
//   - Cards appear only as tokens: central never holds a card number, so
//     the API cannot show one. Looking a card up by its number (central
//     tokenizes it) belongs to the ops UI.
//   - The API has no login of its own: it listens on loopback by default,
//     and on any other address only with a bearer token (Options.Token),
//     compared in constant time.
package api

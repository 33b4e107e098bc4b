// Package api is karta-central's HTTP interface for machines. It reads
// and it writes: health and Prometheus metrics for whoever runs central;
// a JSON view of what central holds — devices, taps, alerts, list
// versions — for ops tools; the regional system's exchange (reports, the
// tap export, the registry upload, which replaces the stored cards); and
// the device lifecycle karta provision and karta decommission drive
// (registration, the list snapshot a new device starts from,
// decommissioning). docs/API.md describes every endpoint.
//
//	GET    /healthz                   200 when the database answers, else 503
//	GET    /metrics                   Prometheus: taps stored, dropped and refused by ingest, devices
//	GET    /api/v1/devices            the registry with each device's last status
//	GET    /api/v1/devices/{id}       one device (404 if unknown)
//	GET    /api/v1/taps?…             a page of taps, newest first; ?format=csv for CSV
//	GET    /api/v1/alerts[?open=1]    alerts, newest first
//	GET    /api/v1/lists/{list}       a list's stored versions
//	GET    /api/v1/reports/rides?from=YYYY-MM&to=YYYY-MM        privileged rides per month, route, category
//	GET    /api/v1/reports/meals?from=YYYY-MM-DD&to=YYYY-MM-DD  meals per day, school, category, meal
//	GET    /api/v1/taps/export?from=…&to=…                      every tap of a period, JSON lines or CSV
//	POST   /api/v1/registry[?partial=1|max_delete=PERCENT]     the registry export, CSV or JSONL
//	POST   /api/v1/devices                  register a device (Registration → Registered; 409 if in service)
//	GET    /api/v1/lists/{list}/snapshot    the list's newest signed snapshot, a bundle file
//	DELETE /api/v1/devices/{id}             decommission: revoked for good (Decommissioned)
//
// The regional exchange (reports, export, registry upload) needs
// Options.Reports and the device lifecycle Options.Fleet; without them
// those routes are not served.
//
// Taps are selected by device, token, role, reason, route, school,
// allowed (true/false),
// from and to (RFC 3339 device time, from inclusive, to exclusive), and
// paged by limit and offset. A malformed parameter is a 400 whose JSON
// body says which; nothing is guessed.
//
// Reports count in the region's zone (Europe/Kaliningrad, UTC+2), and
// their to is inclusive: from=2026-01&to=2026-03 is the first quarter.
// The export walks the store by key (store.EachTap), so it has no pages
// and holds no more than a page in memory. The registry upload is all or
// nothing: card numbers are tokenized as they are read (Options.TokenKey)
// and dropped; one bad row, or a full upload that would delete more than
// max_delete percent of the stored cards, and nothing is stored.
//
// # Caveats
//
//   - Cards appear only as tokens: central never holds a card number, so
//     the API cannot show one. Looking a card up by its number (central
//     tokenizes it) belongs to the ops UI. An upload's bad rows are
//     answered by line and reason, never by value.
//   - The registry upload holds the whole export in memory (about 300
//     bytes a card) before storing it; its body is bounded by
//     Options.MaxRegistryBytes.
//   - The API has no login of its own, and no roles: whoever holds the
//     bearer token (Options.Token, compared in constant time) may
//     register and decommission devices and replace the registry. It
//     listens on loopback by default, and on any other address only with
//     a token.
//   - What decommissioning does at the broker is the Fleet's business,
//     said in Decommissioned.Note: central's embedded broker drops the
//     device at once; an external one shuts it out only once its ACL is
//     written again and reloaded.
package api

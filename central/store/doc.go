// Package store is central's database: every tap of every device, exactly
// once; the device registry and what each device last said; alerts; the
// registry of entitlements by card token; and the signed list versions and
// device configs central hands out.
//
// # Backends
//
// One schema, two backends, both through database/sql. SQLite
// (modernc.org/sqlite, pure Go) is the default, a single file such as
// ./var/central.db, for one central on one machine. PostgreSQL
// (github.com/jackc/pgx/v5) is for a region that runs several stateless
// central instances: they share the database, and any of them may store
// and ack any device's taps. Open picks the backend from the DSN:
//
//	sqlite:./var/central.db    or just ./var/central.db
//	postgres://user@host:5432/karta
//
// SQLite runs in WAL mode with synchronous=FULL: central acks a tap after
// the commit that stored it, and an acked tap must survive a power cut.
// Write transactions begin IMMEDIATE and wait up to Options.BusyTimeout
// for another process's.
//
// The schema is numbered migrations embedded in the binary
// (migrations/NNNN_name.sql), applied at Open in one transaction and
// recorded in schema_migrations. They are the same for both backends:
// portable SQL, with the few words that differ ({{serial}}, {{blob}},
// {{bytewise}}) filled in per dialect.
//
// # Ingest: group commit and dedupe
//
// SaveTaps takes one ingest round — the batches central collected from
// many devices — and stores it in one transaction, so that one commit (one
// fsync) pays for thousands of taps. A tap's key is (device, seq); a tap
// already stored under its key is skipped by the database (INSERT ... ON
// CONFLICT DO NOTHING), which is what lets a device resend, and any
// instance store, without a tap ever being stored twice. After the commit
// SaveTaps says per batch how many taps were new, which seq ranges are now
// stored (what to ack), and the device's highest seq before the batch (for
// gap detection). Each tap keeps the device's time and central's receive
// time side by side.
//
// # The registry
//
// Entitlements are stored a column per field (category, validity, bus
// discount and monthly limit, school pass, meals, stop), keyed by token,
// so that SQL selects a list's audience: the bus fleet, a school, and in
// every audience the stopped cards. No column holds a card number; the
// store refuses anything offline/token could not have made where a token
// belongs.
//
// # Reports
//
// The carriers' report counts allowed privileged rides (bus:free,
// bus:discount-N) per month, route and card category; the ministry's
// counts meals per day, school, category and meal; the overview counts
// taps per hour. A month of a region is some 830,000 taps, and counting
// them from the taps takes seconds (10 s for a month's rides on SQLite
// with 10 million stored), so SaveTaps also adds each new tap, in the
// transaction that stores it, to three small tables at the grain each
// report reads: ride_months (month in Kaliningrad's UTC+2, device,
// category), meal_days (day there, device, meal, category) and tap_hours
// (UTC hour, role, decision). The category is the card's when the tap was
// stored — the one it rode under; RebuildReports counts everything again
// with today's registry. Routes and schools are the devices' now. Pages of
// taps read the taps themselves through their indexes.
//
// # Lists, configs and commands
//
// A list version is stored whole — its signed manifest and chunks, as a
// snapshot and as a delta from the version before — together with the
// latest version's members (list_members: token and a hash of its entry)
// and the list's head (list_heads), in one transaction that moves the
// head only from the version it was built on: two centrals building at
// once store one version. Configs are stored signed with their version
// and the version the device says it runs; commands are stored signed
// and claimed by one instance (UPDATE … RETURNING) to be sent once.
//
// # Caveats
//
//   - Times are stored as unix microseconds and come back in UTC: a
//     device's zone offset is not kept, and nanoseconds are cut. The zero
//     time is stored as 0 and comes back zero.
//   - Seqs and versions are uint64 in Go and BIGINT in SQL: above 2^63-1
//     they are refused.
//   - PrevHigh is read in the saving transaction; on PostgreSQL another
//     instance's uncommitted round is not yet in it, so a gap may be
//     reported that closes a moment later. Treat a gap as a hint to check,
//     not a loss.
//   - Within a round, batches are inserted by device and first seq (so that
//     instances on PostgreSQL take keys in one order and do not deadlock);
//     a transaction that still meets a deadlock runs again, up to 5 times.
//   - Reports are made in UTC+2 only (ReportZone), rides by whole months
//     and meals by whole days there: the report tables have no finer
//     grain. Other zones and bounds get ErrInvalid. TapsPerHour counts
//     whole hours.
//   - Pages of taps use LIMIT and OFFSET: a deep offset walks the rows
//     before it. The tap export walks by key instead (EachTap).
//   - AudienceEntries holds a whole audience in memory; ScanAudience
//     streams it. Both sort tokens bytewise, whatever the database's
//     collation.
//   - Byte slices returned (chunks, signed manifests, configs) are copies;
//     the caller may keep and change them.
//   - Write throughput is bound by the card-history index (token, time):
//     cards tap in no order, so each tap dirties a random page of it, and
//     SQLite writes whole pages to the WAL (about 5.9 KB written per tap
//     against 0.3 KB for the bare rows). On a 2-core machine SQLite stores
//     about 33,000 taps/s in rounds of 5,000 and 40,000 in rounds of
//     20,000; PostgreSQL about 47,000 (BenchmarkSaveTaps). Bigger rounds
//     are the lever.
package store

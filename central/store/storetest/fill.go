package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/central/store"
)

// The fleet FillTaps makes: FillDevices devices, a third each bus
// validators ("bus-001"…, two to a route "1"…"50"), school turnstiles
// ("school-001"…, at "school-1"…) and canteen tills ("canteen-001"…, at
// the same schools), and FillCards cards of which the first FillKnown are
// in the registry, a category each.
const (
	FillDevices = 300
	FillCards   = 200_000
	FillKnown   = 100_000
)

// FillStart is the device time of FillTaps' first tap; its taps spread
// evenly over FillSpan after it.
var (
	FillStart = time.Date(2025, 12, 1, 0, 0, 0, 0, time.FixedZone("Europe/Kaliningrad", 2*3600))
	FillSpan  = 365 * 24 * time.Hour
)

// FillCategories are the registry's categories, card i having
// FillCategories[i % 4].
var FillCategories = []string{"pensioner", "schoolchild", "student", "veteran"}

// fillChunk is how many taps one INSERT of FillTaps writes.
const fillChunk = 500_000

// FillTaps stores n synthetic taps in the database at dsn (which the store
// s is open on) with one INSERT … SELECT per 500,000 (a recursive CTE on
// SQLite, generate_series on PostgreSQL) instead of SaveTaps, so that 10
// million take minutes: tap i is device i % 300's seq i/300 + 1 at
// FillStart + i × FillSpan/n. Buses ride free, at 50 % or 30 % or at full
// fare in turn; canteens serve breakfast and lunch in turn; every tenth
// tap is denied. It registers the fleet and the known cards first, and
// rebuilds the report tables last, and stores only taps above what the
// database holds already, so a kept database grows to n.
func FillTaps(t testing.TB, s *store.Store, dsn string, n int64) {
	t.Helper()
	ctx := context.Background()
	db := SQL(t, dsn)
	pg := strings.HasPrefix(dsn, "postgres")
	var have int64
	if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM taps`).Scan(&have); err != nil {
		t.Fatal(err)
	}
	if have >= n {
		return
	}
	if have == 0 {
		fillFleet(t, s, db, pg)
	}
	step := FillSpan.Microseconds() / n
	for from := have; from < n; from += fillChunk {
		to := min(from+fillChunk, n)
		if _, err := db.ExecContext(ctx, fillTapsSQL(pg, from, to, step)); err != nil {
			t.Fatalf("storetest: fill taps %d-%d: %v", from, to, err)
		}
	}
	if err := s.RebuildReports(ctx); err != nil {
		t.Fatal(err)
	}
	if pg {
		if _, err := db.ExecContext(ctx, `VACUUM ANALYZE`); err != nil {
			t.Fatal(err)
		}
	} else if _, err := db.ExecContext(ctx, `ANALYZE`); err != nil {
		t.Fatal(err)
	}
}

// FillDevice is device d of FillTaps' fleet (0 ≤ d < FillDevices).
func FillDevice(d int) store.Device {
	i := d%100 + 1
	switch d / 100 {
	case 0:
		return store.Device{ID: fmt.Sprintf("bus-%03d", i), Role: "bus", Route: strconv.Itoa((i + 1) / 2)}
	case 1:
		return store.Device{ID: fmt.Sprintf("school-%03d", i), Role: "turnstile", School: "school-" + strconv.Itoa(i)}
	}
	return store.Device{ID: fmt.Sprintf("canteen-%03d", i), Role: "canteen", School: "school-" + strconv.Itoa(i)}
}

func fillFleet(t testing.TB, s *store.Store, db *sql.DB, pg bool) {
	ctx := context.Background()
	for d := range FillDevices {
		if err := s.PutDevice(ctx, FillDevice(d)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, fillCardsSQL(pg)); err != nil {
		t.Fatalf("storetest: fill registry: %v", err)
	}
}

// series is a query of one column i from `from` to `to`-1.
func series(pg bool, from, to int64) string {
	if pg {
		return fmt.Sprintf("(SELECT generate_series(%d::bigint, %d::bigint) AS i) g", from, to-1)
	}
	return fmt.Sprintf("(WITH RECURSIVE s(i) AS (SELECT %d UNION ALL SELECT i + 1 FROM s WHERE i + 1 < %d) SELECT i FROM s) g", from, to)
}

// pad is the SQL of integer expression e as text, zero-padded to width.
func pad(pg bool, e string, width int) string {
	if pg {
		return fmt.Sprintf("lpad((%s)::text, %d, '0')", e, width)
	}
	return fmt.Sprintf("printf('%%0%dd', %s)", width, e)
}

func fillCardsSQL(pg bool) string {
	return `INSERT INTO entitlements (token, category, valid_from, valid_to, updated_us)
		SELECT 'k1.T' || ` + pad(pg, "i", 19) + `,
		CASE i % 4 WHEN 0 THEN 'pensioner' WHEN 1 THEN 'schoolchild' WHEN 2 THEN 'student' ELSE 'veteran' END,
		0, 0, 1 FROM ` + series(pg, 0, FillKnown)
}

func fillTapsSQL(pg bool, from, to, step int64) string {
	start := FillStart.UnixMicro()
	// d: the device, r: its role (0 bus, 1 turnstile, 2 canteen), k: the
	// device's tap number, c: the card.
	return fmt.Sprintf(`INSERT INTO taps (device, seq, boot, at_us, received_us, clock, reader, role, token, par_token,
		scheme, allowed, reason, product, fare, list, list_version, flags, latency_us)
	SELECT CASE r WHEN 0 THEN 'bus-' WHEN 1 THEN 'school-' ELSE 'canteen-' END || %[1]s,
		k + 1, 1, %[2]d + i * %[3]d, %[2]d + i * %[3]d + 60000000, 'synced', 'pcsc0',
		CASE r WHEN 0 THEN 'bus' WHEN 1 THEN 'turnstile' ELSE 'canteen' END,
		'k1.T' || %[4]s, '', 'mir', i %% 10 <> 0,
		CASE WHEN i %% 10 <> 0 THEN 'ok' WHEN i %% 20 = 0 THEN 'stoplisted' ELSE 'no_entitlement' END,
		CASE r WHEN 0 THEN CASE k %% 4 WHEN 0 THEN 'bus:free' WHEN 1 THEN 'bus:discount-50'
			WHEN 2 THEN 'bus:discount-30' ELSE 'bus:full' END
		WHEN 1 THEN 'entry:in' ELSE CASE k %% 2 WHEN 0 THEN 'meal:breakfast' ELSE 'meal:lunch' END END,
		CASE WHEN r = 0 THEN CASE k %% 4 WHEN 1 THEN 1500 WHEN 2 THEN 2100 WHEN 3 THEN 3000 ELSE 0 END ELSE 0 END,
		CASE r WHEN 0 THEN 'bus-fleet' ELSE 'school-' || (d %% 100 + 1) END, 7, '', 800
	FROM (SELECT i, i %% 300 AS d, (i %% 300) / 100 AS r, i / 300 AS k, (i * 2654435761) %% %[5]d AS c
		FROM %[6]s) t`,
		pad(pg, "d % 100 + 1", 3), start, step, pad(pg, "c", 19), FillCards, series(pg, from, to))
}

// BenchStore opens a store for a benchmark of backend with n taps from
// FillTaps. With $KARTA_BENCH_KEEP set to a directory, the SQLite file
// is kept there and the PostgreSQL database kept as karta_bench_N, and a
// later run reuses them; without it both are fresh and removed at the end.
func BenchStore(b testing.TB, backend string, n int64) *store.Store {
	b.Helper()
	dsn := benchDSN(b, backend, n)
	s := Open(b, dsn)
	FillTaps(b, s, dsn, n)
	return s
}

func benchDSN(b testing.TB, backend string, n int64) string {
	keep := os.Getenv("KARTA_BENCH_KEEP")
	switch {
	case keep == "":
		return DSN(b, backend)
	case backend == "sqlite":
		return "sqlite:" + filepath.Join(keep, fmt.Sprintf("central-%d.db", n))
	}
	return keptPostgres(b, fmt.Sprintf("karta_bench_%d", n))
}

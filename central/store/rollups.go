package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"karta/offline"
)

// ReportZone is the zone whose months and days the report tables count,
// and so the only zone reports are made in: Kaliningrad, UTC+2 all year
// since 2014.
var ReportZone = time.FixedZone("Europe/Kaliningrad", reportOffset)

const (
	reportOffset = 2 * 3600 // seconds east of UTC
	dayUS        = int64(24 * time.Hour / time.Microsecond)
	hourUS       = int64(time.Hour / time.Microsecond)
)

// reportDay is the day number meal_days files a device time under: days
// since 1970-01-01 in ReportZone.
func reportDay(t time.Time) int64 { return (us(t) + reportOffset*1e6) / dayUS }

// dayTime is the midnight that starts report day n, in ReportZone.
func dayTime(n int64) time.Time { return time.UnixMicro(n*dayUS - reportOffset*1e6).In(ReportZone) }

// reportMonth is the month ride_months files a device time under, YYYYMM
// in ReportZone.
func reportMonth(t time.Time) int64 {
	l := t.In(ReportZone)
	return int64(l.Year())*100 + int64(l.Month())
}

// ride and meal tell the taps the reports count: allowed privileged bus
// rides and allowed meals.
func ride(t *offline.Tap) bool {
	return t.Allowed && (t.Product == productFree || strings.HasPrefix(t.Product, productDiscount))
}

func meal(t *offline.Tap) bool { return t.Allowed && strings.HasPrefix(t.Product, productMeal) }

// rollup adds up a round's new taps for the report tables, by each
// table's key (its columns but the counts, in order).
type rollup struct {
	rides, meals, hours map[string]*tally
}

// tally is one row of a report table: its key's values and its counts.
type tally struct {
	key    []any
	counts [2]int64
}

func newRollup() *rollup {
	return &rollup{rides: map[string]*tally{}, meals: map[string]*tally{}, hours: map[string]*tally{}}
}

func (r *rollup) add(m map[string]*tally, key []any, a, b int64) {
	parts := make([]string, len(key))
	for i, v := range key {
		parts[i] = fmt.Sprint(v)
	}
	k := strings.Join(parts, "\x00")
	if m[k] == nil {
		m[k] = &tally{key: key}
	}
	m[k].counts[0] += a
	m[k].counts[1] += b
}

// addNew counts the taps of b whose seqs are in fresh (the ones this
// round stored), each seq once, with the category each card has now.
func (r *rollup) addNew(b *DeviceBatch, fresh map[uint64]bool, cats map[string]string) {
	for i := range b.Taps {
		t := &b.Taps[i]
		if !fresh[t.Seq] {
			continue
		}
		delete(fresh, t.Seq)
		r.add(r.hours, []any{us(t.Time) / hourUS, t.Role, t.Allowed}, 1, 0)
		switch {
		case ride(t):
			r.add(r.rides, []any{reportMonth(t.Time), b.Device, cats[t.Token]}, 1, int64(t.Fare))
		case meal(t):
			r.add(r.meals, []any{reportDay(t.Time), b.Device, strings.TrimPrefix(t.Product, productMeal), cats[t.Token]}, 1, 0)
		}
	}
}

// A report table: its name, key columns and count columns.
type rollupTable struct {
	name   string
	keys   []string
	counts []string
}

var (
	rideMonths = rollupTable{"ride_months", []string{"month", "device", "category"}, []string{"rides", "fare"}}
	mealDays   = rollupTable{"meal_days", []string{"day", "device", "meal", "category"}, []string{"meals"}}
	tapHours   = rollupTable{"tap_hours", []string{"hour", "role", "allowed"}, []string{"taps"}}
)

// writeRollup adds the round's counts to the report tables, in its transaction.
func (s *Store) writeRollup(ctx context.Context, tx *sql.Tx, r *rollup) error {
	for _, t := range []struct {
		table rollupTable
		rows  map[string]*tally
	}{{rideMonths, r.rides}, {mealDays, r.meals}, {tapHours, r.hours}} {
		if err := s.addTo(ctx, tx, t.table, t.rows); err != nil {
			return fmt.Errorf("%s: %w", t.table.name, err)
		}
	}
	return nil
}

// addTo upserts rows into table, adding their counts to the stored ones.
// Rows go in key order, so that two rounds on PostgreSQL lock them alike
// and do not deadlock.
func (s *Store) addTo(ctx context.Context, tx *sql.Tx, table rollupTable, rows map[string]*tally) error {
	keys := make([]string, 0, len(rows))
	for k := range rows {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	cols := append(slices.Clone(table.keys), table.counts...)
	set := make([]string, len(table.counts))
	for i, c := range table.counts {
		set[i] = c + " = " + table.name + "." + c + " + excluded." + c
	}
	for rest := keys; len(rest) > 0; {
		n := min(len(rest), maxTapRows)
		q := s.valuesSQL("INSERT INTO "+table.name+" ("+strings.Join(cols, ", ")+")", n, len(cols)) +
			" ON CONFLICT (" + strings.Join(table.keys, ", ") + ") DO UPDATE SET " + strings.Join(set, ", ")
		st, err := s.prepared(ctx, tx, q)
		if err != nil {
			return err
		}
		v := make([]any, 0, n*len(cols))
		for _, k := range rest[:n] {
			v = append(v, rows[k].key...)
			for i := range table.counts {
				v = append(v, rows[k].counts[i])
			}
		}
		if _, err := st.ExecContext(ctx, v...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// categories returns the registry's category of each token of the rides
// and meals among bs (tokens not in the registry are left out).
func (s *Store) categories(ctx context.Context, tx *sql.Tx, bs []DeviceBatch) (map[string]string, error) {
	seen := map[string]bool{}
	var tokens []string
	for i := range bs {
		for j := range bs[i].Taps {
			t := &bs[i].Taps[j]
			if (ride(t) || meal(t)) && t.Token != "" && !seen[t.Token] {
				seen[t.Token] = true
				tokens = append(tokens, t.Token)
			}
		}
	}
	cats := make(map[string]string, len(tokens))
	for rest := tokens; len(rest) > 0; {
		n := min(len(rest), maxCategoryTokens)
		if err := s.categoriesOf(ctx, tx, rest[:n], cats); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	return cats, nil
}

// maxCategoryTokens is the most tokens one look-up names.
const maxCategoryTokens = 5000

func (s *Store) categoriesOf(ctx context.Context, tx *sql.Tx, tokens []string, into map[string]string) error {
	var rows *sql.Rows
	var err error
	if s.d.arrays {
		rows, err = tx.QueryContext(ctx, `SELECT token, category FROM entitlements WHERE token = ANY($1::text[])`, tokens)
	} else {
		a := &args{d: s.d}
		rows, err = tx.QueryContext(ctx, `SELECT token, category FROM entitlements WHERE token `+a.in(tokens), a.list...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var tok, cat string
		if err := rows.Scan(&tok, &cat); err != nil {
			return err
		}
		into[tok] = cat
	}
	return rows.Err()
}

// rebuildReportsSQL counts the report tables from the taps (migration
// 0006 runs it too). {{report_month}} is the dialect's YYYYMM of at_us.
const rebuildReportsSQL = `
INSERT INTO ride_months (month, device, category, rides, fare)
SELECT m, device, category, COUNT(*), SUM(fare) FROM (
	SELECT {{report_month}} AS m, t.device, COALESCE(e.category, '') AS category, t.fare
	FROM taps t LEFT JOIN entitlements e ON e.token = t.token
	WHERE t.allowed = TRUE AND (t.product = 'bus:free' OR t.product LIKE 'bus:discount-%')) r
GROUP BY m, device, category;
INSERT INTO meal_days (day, device, meal, category, meals)
SELECT (t.at_us + 7200000000) / 86400000000, t.device, SUBSTR(t.product, 6), COALESCE(e.category, ''), COUNT(*)
FROM taps t LEFT JOIN entitlements e ON e.token = t.token
WHERE t.allowed = TRUE AND t.product LIKE 'meal:%'
GROUP BY (t.at_us + 7200000000) / 86400000000, t.device, SUBSTR(t.product, 6), COALESCE(e.category, '');
INSERT INTO tap_hours (hour, role, allowed, taps)
SELECT at_us / 3600000000, role, allowed, COUNT(*) FROM taps GROUP BY at_us / 3600000000, role, allowed;
`

// RebuildReports counts the report tables again from the stored taps,
// with each card's category as the registry says now: after taps were
// loaded behind the store's back (a bulk load, a restore of the taps
// alone), or to report a registry correction backwards. It reads every
// tap, in one transaction that holds up ingest meanwhile (a few minutes
// for 10 million taps).
func (s *Store) RebuildReports(ctx context.Context) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM ride_months; DELETE FROM meal_days; DELETE FROM tap_hours`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.d.words.Replace(rebuildReportsSQL))
		return err
	})
	return wrap(err, "rebuild reports")
}

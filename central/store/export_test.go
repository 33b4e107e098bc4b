package store

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"
)

// RawInsert is the benchmarks' baseline: the same rows as SaveTaps writes,
// in multi-row INSERTs of the same size, into a bare table with no key, no
// index and no dedupe, in one transaction.
func (s *Store) RawInsert(ctx context.Context, batches []DeviceBatch) error {
	const create = `CREATE TABLE IF NOT EXISTS raw_taps AS SELECT * FROM taps WHERE 1 = 0`
	if _, err := s.db.ExecContext(ctx, create); err != nil {
		return err
	}
	return s.update(ctx, func(tx *sql.Tx) error {
		for i := range batches {
			if err := s.rawBatch(ctx, tx, &batches[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) rawBatch(ctx context.Context, tx *sql.Tx, b *DeviceBatch) error {
	for rest := b.Taps; len(rest) > 0; {
		n := min(len(rest), maxTapRows)
		q := strings.Replace(s.insertTapsSQL(n), "INSERT INTO taps", "INSERT INTO raw_taps", 1)
		q = strings.TrimSuffix(q, " ON CONFLICT (device, seq) DO NOTHING")
		st, err := s.prepared(ctx, tx, q)
		if err != nil {
			return err
		}
		if _, err := st.ExecContext(ctx, tapArgs(b, rest[:n])...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// Pragma reads an SQLite pragma through the store's own connections.
func (s *Store) Pragma(ctx context.Context, name string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, "PRAGMA "+name).Scan(&v)
	return v, err
}

// The reports as they were before the report tables, straight from the
// taps, with each card's category as the registry says now: the
// benchmarks' baseline, and what tests compare the report tables against.

// RidesReportScan is RidesReport read from the taps.
func (s *Store) RidesReportScan(ctx context.Context, from, to time.Time, loc *time.Location) ([]RideRow, error) {
	ps, err := periods(from, to, loc, nextMonth)
	var out []RideRow
	for _, p := range ps {
		rows, err := s.db.QueryContext(ctx, s.d.rebind(ridesScanSQL), us(p.from), us(p.to), true, productFree, productDiscount+"%")
		rs, err := collect(rows, err, func(r scanner) (RideRow, error) {
			row := RideRow{Month: p.label}
			return row, r.Scan(&row.Route, &row.Category, &row.Rides, &row.Fare)
		})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(rs, func(a, b RideRow) int {
			return cmp.Or(strings.Compare(a.Route, b.Route), strings.Compare(a.Category, b.Category))
		})
		out = append(out, rs...)
	}
	return out, err
}

const ridesScanSQL = `SELECT COALESCE(d.route, ''), COALESCE(e.category, ''), COUNT(*), CAST(SUM(t.fare) AS BIGINT)
	FROM taps t LEFT JOIN devices d ON d.id = t.device LEFT JOIN entitlements e ON e.token = t.token
	WHERE t.at_us >= ? AND t.at_us < ? AND t.allowed = ? AND (t.product = ? OR t.product LIKE ?)
	GROUP BY COALESCE(d.route, ''), COALESCE(e.category, '')`

// MealsReportScan is MealsReport read from the taps, a day at a time.
func (s *Store) MealsReportScan(ctx context.Context, from, to time.Time, loc *time.Location) ([]MealRow, error) {
	ps, err := periods(from, to, loc, nextDay)
	var out []MealRow
	for _, p := range ps {
		rows, err := s.db.QueryContext(ctx, s.d.rebind(mealsScanSQL), us(p.from), us(p.to), true, productMeal+"%")
		ms, err := collect(rows, err, func(r scanner) (MealRow, error) {
			row := MealRow{Day: p.label}
			var product string
			err := r.Scan(&row.School, &row.Category, &product, &row.Meals)
			row.Meal = strings.TrimPrefix(product, productMeal)
			return row, err
		})
		if err != nil {
			return nil, err
		}
		slices.SortFunc(ms, func(a, b MealRow) int {
			return cmp.Or(strings.Compare(a.School, b.School), strings.Compare(a.Category, b.Category), strings.Compare(a.Meal, b.Meal))
		})
		out = append(out, ms...)
	}
	return out, err
}

const mealsScanSQL = `SELECT COALESCE(d.school, ''), COALESCE(e.category, ''), t.product, COUNT(*)
	FROM taps t LEFT JOIN devices d ON d.id = t.device LEFT JOIN entitlements e ON e.token = t.token
	WHERE t.at_us >= ? AND t.at_us < ? AND t.allowed = ? AND t.product LIKE ?
	GROUP BY COALESCE(d.school, ''), COALESCE(e.category, ''), t.product`

// TapsPerHourScan is TapsPerHour counted from the taps.
func (s *Store) TapsPerHourScan(ctx context.Context, from, to time.Time) ([]HourCount, error) {
	a := &args{d: s.d}
	q := `SELECT at_us / 3600000000, role, allowed, COUNT(*) FROM taps WHERE at_us >= ` + a.add(us(from)) +
		` AND at_us < ` + a.add(us(to)) + ` GROUP BY at_us / 3600000000, role, allowed`
	rows, err := s.db.QueryContext(ctx, q, a.list...)
	return hourCounts(rows, err)
}

// CountRows runs a query and counts the rows it answers: the benchmarks'
// baseline of a plain SELECT.
func (s *Store) CountRows(ctx context.Context, q string, v ...any) (int, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(q), v...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// period is one month or day of a report read from the taps.
type period struct {
	label    string
	from, to time.Time
}

func nextMonth(t time.Time) (time.Time, string) {
	y, m, _ := t.Date()
	return time.Date(y, m+1, 1, 0, 0, 0, 0, t.Location()), t.Format("2006-01")
}

func nextDay(t time.Time) (time.Time, string) {
	y, m, d := t.Date()
	return time.Date(y, m, d+1, 0, 0, 0, 0, t.Location()), t.Format("2006-01-02")
}

// periods cuts [from, to) at the starts of next's periods in loc.
func periods(from, to time.Time, loc *time.Location, next func(time.Time) (time.Time, string)) ([]period, error) {
	var ps []period
	for t := from.In(loc); t.Before(to); {
		end, label := next(t)
		p := period{label: label, from: t, to: end}
		if to.Before(end) {
			p.to = to
		}
		ps = append(ps, p)
		t = end
	}
	return ps, nil
}

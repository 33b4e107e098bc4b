package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// RideRow is one line of the carriers' compensation report: the allowed
// privileged bus rides of one month, route and card category.
type RideRow struct {
	Month    string // "2026-11", in the report's location
	Route    string // the device's route ("" for a device not in the registry)
	Category string // the card's entitlement category; "" if unknown
	Rides    int64  // allowed privileged rides: product "bus:free" or "bus:discount-*"
	Fare     int64  // kopecks the riders paid for those rides
}

// MealRow is one line of the education ministry's report: the allowed
// meals of one day, school, card category and meal.
type MealRow struct {
	Day      string // "2026-11-05", in the report's location
	School   string // the device's school
	Category string
	Meal     string // "breakfast", "lunch", ... (the product after "meal:")
	Meals    int64  // allowed meal taps
}

// HourCount is the taps of one hour, device role and decision.
type HourCount struct {
	Hour    time.Time // the hour's start, UTC
	Role    string    // bus, turnstile, canteen
	Allowed bool
	Taps    int64
}

// Products the reports count.
const (
	productFree     = "bus:free"
	productDiscount = "bus:discount-" // followed by the percent
	productMeal     = "meal:"         // followed by the meal
)

// RidesReport returns the allowed privileged bus rides with device time in
// [from, to), per month, route and category, ordered by month, route,
// category (bytewise). Months are loc's; a month cut by from or to counts
// only its part inside. It reads tap_days, so loc must be ReportZone's
// offset and from and to midnights there (else ErrInvalid); the category
// is the card's when its tap was stored.
func (s *Store) RidesReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]RideRow, error) {
	if err := checkReport(from, to, loc); err != nil {
		return nil, err
	}
	ps, err := periods(from, to, ReportZone, nextMonth)
	if err != nil {
		return nil, err
	}
	var out []RideRow
	for _, p := range ps {
		rows, err := s.monthRides(ctx, p)
		if err != nil {
			return nil, wrap(err, "rides report")
		}
		out = append(out, rows...)
	}
	return out, nil
}

// MealsReport returns the allowed meal taps with device time in [from,
// to), per day, school, category and meal, ordered so (bytewise). Days
// are loc's; loc, from and to are as for RidesReport.
func (s *Store) MealsReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]MealRow, error) {
	if err := checkReport(from, to, loc); err != nil {
		return nil, err
	}
	if err := checkLength(from, to); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(mealDaysSQL), reportDay(from), reportDay(to), productMeal+"%")
	ms, err := collect(rows, err, func(r scanner) (MealRow, error) {
		var m MealRow
		var day int64
		var product string
		err := r.Scan(&day, &m.School, &m.Category, &product, &m.Meals)
		m.Day, m.Meal = dayTime(day).Format("2006-01-02"), strings.TrimPrefix(product, productMeal)
		return m, err
	})
	slices.SortFunc(ms, func(a, b MealRow) int {
		return cmp.Or(strings.Compare(a.Day, b.Day), strings.Compare(a.School, b.School),
			strings.Compare(a.Category, b.Category), strings.Compare(a.Meal, b.Meal))
	})
	return ms, wrap(err, "meals report")
}

// TapsPerHour counts the taps with device time in [from, to) by hour (UTC),
// role and decision, ordered by hour, role, decision (denied first).
func (s *Store) TapsPerHour(ctx context.Context, from, to time.Time) ([]HourCount, error) {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return nil, fmt.Errorf("%w: taps per hour from %v to %v", ErrInvalid, from, to)
	}
	a := &args{d: s.d}
	q := `SELECT at_us / 3600000000, role, allowed, COUNT(*) FROM taps WHERE at_us >= ` + a.add(us(from)) +
		` AND at_us < ` + a.add(us(to)) + ` GROUP BY at_us / 3600000000, role, allowed`
	rows, err := s.db.QueryContext(ctx, q, a.list...)
	hs, err := collect(rows, err, func(r scanner) (HourCount, error) {
		var h HourCount
		var hour int64
		err := r.Scan(&hour, &h.Role, &h.Allowed, &h.Taps)
		h.Hour = time.Unix(hour*3600, 0).UTC()
		return h, err
	})
	slices.SortFunc(hs, func(a, b HourCount) int {
		return cmp.Or(a.Hour.Compare(b.Hour), strings.Compare(a.Role, b.Role), cmp.Compare(b2i(a.Allowed), b2i(b.Allowed)))
	})
	return hs, wrap(err, "taps per hour")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkReport refuses what tap_days cannot answer exactly: a location
// whose offset is not ReportZone's at from or to, or bounds that are not
// midnights there.
func checkReport(from, to time.Time, loc *time.Location) error {
	if loc == nil || from.IsZero() || to.IsZero() || !from.Before(to) {
		return fmt.Errorf("%w: report from %v to %v", ErrInvalid, from, to)
	}
	for _, t := range []time.Time{from, to} {
		if _, off := t.In(loc).Zone(); off != reportOffset {
			return fmt.Errorf("%w: reports count days in UTC+02:00 (Europe/Kaliningrad), not in %s", ErrInvalid, loc)
		}
		if l := t.In(ReportZone); l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 || l.Nanosecond() != 0 {
			return fmt.Errorf("%w: a report starts and ends at midnight (UTC+02:00), not at %s", ErrInvalid, l.Format(time.DateTime))
		}
	}
	return nil
}

// maxPeriods bounds a report: 100 years of months, 10 of days.
const maxPeriods = 3660

// checkLength refuses a day report longer than maxPeriods days.
func checkLength(from, to time.Time) error {
	if reportDay(to)-reportDay(from) > maxPeriods {
		return fmt.Errorf("%w: report from %v to %v is too long", ErrInvalid, from, to)
	}
	return nil
}

// period is one month or day of a report: its label and its bounds.
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
		if len(ps) == maxPeriods {
			return nil, fmt.Errorf("%w: report from %v to %v is too long", ErrInvalid, from, to)
		}
		end, label := next(t)
		ps = append(ps, period{label: label, from: t, to: minTime(end, to)})
		t = end
	}
	return ps, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// monthRidesSQL adds up a month's privileged rides by route and category.
const monthRidesSQL = `SELECT COALESCE(d.route, ''), r.category, CAST(SUM(r.taps) AS BIGINT), CAST(SUM(r.fare) AS BIGINT)
	FROM tap_days r LEFT JOIN devices d ON d.id = r.device
	WHERE r.day >= ? AND r.day < ? AND (r.product = ? OR r.product LIKE ?)
	GROUP BY COALESCE(d.route, ''), r.category`

func (s *Store) monthRides(ctx context.Context, p period) ([]RideRow, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(monthRidesSQL), reportDay(p.from), reportDay(p.to),
		productFree, productDiscount+"%")
	rs, err := collect(rows, err, func(r scanner) (RideRow, error) {
		row := RideRow{Month: p.label}
		return row, r.Scan(&row.Route, &row.Category, &row.Rides, &row.Fare)
	})
	slices.SortFunc(rs, func(a, b RideRow) int {
		return cmp.Or(strings.Compare(a.Route, b.Route), strings.Compare(a.Category, b.Category))
	})
	return rs, err
}

// mealDaysSQL adds up meals by day, school, category and meal.
const mealDaysSQL = `SELECT r.day, COALESCE(d.school, ''), r.category, r.product, CAST(SUM(r.taps) AS BIGINT)
	FROM tap_days r LEFT JOIN devices d ON d.id = r.device
	WHERE r.day >= ? AND r.day < ? AND r.product LIKE ?
	GROUP BY r.day, COALESCE(d.school, ''), r.category, r.product`

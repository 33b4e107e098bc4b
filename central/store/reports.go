package store

import (
	"context"
	"fmt"
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
// category. Months are loc's; a month cut by from or to counts only its
// part inside.
func (s *Store) RidesReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]RideRow, error) {
	if err := checkPeriod(from, to, loc); err != nil {
		return nil, err
	}
	ps, err := periods(from, to, loc, nextMonth)
	if err != nil {
		return nil, err
	}
	var out []RideRow
	for _, p := range ps {
		rows, err := s.rides(ctx, p)
		if err != nil {
			return nil, wrap(err, "rides report")
		}
		out = append(out, rows...)
	}
	return out, nil
}

// MealsReport returns the allowed meal taps with device time in [from,
// to), per day, school, category and meal, ordered so. Days are loc's.
func (s *Store) MealsReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]MealRow, error) {
	if err := checkPeriod(from, to, loc); err != nil {
		return nil, err
	}
	ps, err := periods(from, to, loc, nextDay)
	if err != nil {
		return nil, err
	}
	var out []MealRow
	for _, p := range ps {
		rows, err := s.meals(ctx, p)
		if err != nil {
			return nil, wrap(err, "meals report")
		}
		out = append(out, rows...)
	}
	return out, nil
}

// TapsPerHour counts the taps with device time in [from, to) by hour (UTC),
// role and decision, ordered by hour, role, decision (denied first).
func (s *Store) TapsPerHour(ctx context.Context, from, to time.Time) ([]HourCount, error) {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return nil, fmt.Errorf("%w: taps per hour from %v to %v", ErrInvalid, from, to)
	}
	a := &args{d: s.d}
	q := `SELECT at_us / 3600000000, role, allowed, COUNT(*) FROM taps WHERE at_us >= ` + a.add(us(from)) +
		` AND at_us < ` + a.add(us(to)) + ` GROUP BY at_us / 3600000000, role, allowed ORDER BY 1, 2, 3`
	rows, err := s.db.QueryContext(ctx, q, a.list...)
	hs, err := collect(rows, err, func(r scanner) (HourCount, error) {
		var h HourCount
		var hour int64
		err := r.Scan(&hour, &h.Role, &h.Allowed, &h.Taps)
		h.Hour = time.Unix(hour*3600, 0).UTC()
		return h, err
	})
	return hs, wrap(err, "taps per hour")
}

// period is one month or day of a report: its label and its bounds.
type period struct {
	label    string
	from, to time.Time
}

func checkPeriod(from, to time.Time, loc *time.Location) error {
	if loc == nil || from.IsZero() || to.IsZero() || !from.Before(to) {
		return fmt.Errorf("%w: report from %v to %v", ErrInvalid, from, to)
	}
	return nil
}

// maxPeriods bounds a report: 100 years of months, 10 of days.
const maxPeriods = 3660

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

// ridesSQL selects a period's privileged rides by route and category.
const ridesSQL = `SELECT COALESCE(d.route, ''), COALESCE(e.category, ''), COUNT(*), SUM(t.fare)
	FROM taps t LEFT JOIN devices d ON d.id = t.device LEFT JOIN entitlements e ON e.token = t.token
	WHERE t.at_us >= ? AND t.at_us < ? AND t.allowed = ? AND (t.product = ? OR t.product LIKE ?)
	GROUP BY COALESCE(d.route, ''), COALESCE(e.category, '') ORDER BY 1, 2`

func (s *Store) rides(ctx context.Context, p period) ([]RideRow, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(ridesSQL), us(p.from), us(p.to), true, productFree, productDiscount+"%")
	return collect(rows, err, func(r scanner) (RideRow, error) {
		row := RideRow{Month: p.label}
		return row, r.Scan(&row.Route, &row.Category, &row.Rides, &row.Fare)
	})
}

// mealsSQL selects a period's meals by school, category and meal.
const mealsSQL = `SELECT COALESCE(d.school, ''), COALESCE(e.category, ''), t.product, COUNT(*)
	FROM taps t LEFT JOIN devices d ON d.id = t.device LEFT JOIN entitlements e ON e.token = t.token
	WHERE t.at_us >= ? AND t.at_us < ? AND t.allowed = ? AND t.product LIKE ?
	GROUP BY COALESCE(d.school, ''), COALESCE(e.category, ''), t.product ORDER BY 1, 2, 3`

func (s *Store) meals(ctx context.Context, p period) ([]MealRow, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(mealsSQL), us(p.from), us(p.to), true, productMeal+"%")
	return collect(rows, err, func(r scanner) (MealRow, error) {
		row := MealRow{Day: p.label}
		var product string
		err := r.Scan(&row.School, &row.Category, &product, &row.Meals)
		row.Meal = strings.TrimPrefix(product, productMeal)
		return row, err
	})
}

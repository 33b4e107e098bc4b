package store

import (
	"cmp"
	"context"
	"database/sql"
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
// category (bytewise). It reads ride_months, so loc must be ReportZone's
// offset and from and to the starts of months there (else ErrInvalid);
// the category is the card's when its tap was stored.
func (s *Store) RidesReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]RideRow, error) {
	if err := checkReport(from, to, loc); err != nil {
		return nil, err
	}
	if err := checkMonths(from, to); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(rideMonthsSQL), reportMonth(from), reportMonth(to))
	rs, err := collect(rows, err, func(r scanner) (RideRow, error) {
		var row RideRow
		var month int64
		err := r.Scan(&month, &row.Route, &row.Category, &row.Rides, &row.Fare)
		row.Month = fmt.Sprintf("%04d-%02d", month/100, month%100)
		return row, err
	})
	slices.SortFunc(rs, func(a, b RideRow) int {
		return cmp.Or(strings.Compare(a.Month, b.Month), strings.Compare(a.Route, b.Route), strings.Compare(a.Category, b.Category))
	})
	return rs, wrap(err, "rides report")
}

// rideMonthsSQL adds up months of rides by route and category.
const rideMonthsSQL = `SELECT r.month, COALESCE(d.route, ''), r.category, CAST(SUM(r.rides) AS BIGINT), CAST(SUM(r.fare) AS BIGINT)
	FROM ride_months r LEFT JOIN devices d ON d.id = r.device
	WHERE r.month >= ? AND r.month < ?
	GROUP BY r.month, COALESCE(d.route, ''), r.category`

// MealsReport returns the allowed meal taps with device time in [from,
// to), per day, school, category and meal, ordered so (bytewise). It
// reads meal_days, so loc must be ReportZone's offset and from and to
// midnights there (else ErrInvalid).
func (s *Store) MealsReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]MealRow, error) {
	if err := checkReport(from, to, loc); err != nil {
		return nil, err
	}
	if reportDay(to)-reportDay(from) > maxDays {
		return nil, fmt.Errorf("%w: a meals report of more than %d days", ErrInvalid, maxDays)
	}
	rows, err := s.db.QueryContext(ctx, s.d.rebind(mealDaysSQL), reportDay(from), reportDay(to))
	ms, err := collect(rows, err, func(r scanner) (MealRow, error) {
		var m MealRow
		var day int64
		err := r.Scan(&day, &m.School, &m.Category, &m.Meal, &m.Meals)
		m.Day = dayTime(day).Format(time.DateOnly)
		return m, err
	})
	slices.SortFunc(ms, func(a, b MealRow) int {
		return cmp.Or(strings.Compare(a.Day, b.Day), strings.Compare(a.School, b.School),
			strings.Compare(a.Category, b.Category), strings.Compare(a.Meal, b.Meal))
	})
	return ms, wrap(err, "meals report")
}

// mealDaysSQL adds up days of meals by school, category and meal.
const mealDaysSQL = `SELECT r.day, COALESCE(d.school, ''), r.category, r.meal, CAST(SUM(r.meals) AS BIGINT)
	FROM meal_days r LEFT JOIN devices d ON d.id = r.device
	WHERE r.day >= ? AND r.day < ?
	GROUP BY r.day, COALESCE(d.school, ''), r.category, r.meal`

// TapsPerHour counts the taps by hour (UTC), role and decision, ordered by
// hour, role, decision (denied first), in the hours that overlap [from,
// to): whole hours, from tap_hours.
func (s *Store) TapsPerHour(ctx context.Context, from, to time.Time) ([]HourCount, error) {
	if from.IsZero() || to.IsZero() || !from.Before(to) {
		return nil, fmt.Errorf("%w: taps per hour from %v to %v", ErrInvalid, from, to)
	}
	last := (us(to) - 1) / hourUS
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT hour, role, allowed, taps FROM tap_hours WHERE hour >= ? AND hour <= ?`),
		us(from)/hourUS, last)
	hs, err := hourCounts(rows, err)
	return hs, wrap(err, "taps per hour")
}

// hourCounts reads rows of (unix hour, role, allowed, taps) in the order
// TapsPerHour answers: by hour, role, then denied before allowed.
func hourCounts(rows *sql.Rows, err error) ([]HourCount, error) {
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
	return hs, err
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}

// checkReport refuses what the report tables cannot answer exactly: a location
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

// Longest reports: 100 years of months, 10 years of days.
const (
	maxMonths = 1200
	maxDays   = 3660
)

// checkMonths refuses rides reports that do not start and end at the
// start of a month, or span more than maxMonths.
func checkMonths(from, to time.Time) error {
	for _, t := range []time.Time{from, to} {
		if t.In(ReportZone).Day() != 1 {
			return fmt.Errorf("%w: a rides report counts whole months, not from %s", ErrInvalid, t.In(ReportZone).Format(time.DateOnly))
		}
	}
	if reportMonth(to)/100*12+reportMonth(to)%100-(reportMonth(from)/100*12+reportMonth(from)%100) > maxMonths {
		return fmt.Errorf("%w: a rides report of more than %d months", ErrInvalid, maxMonths)
	}
	return nil
}

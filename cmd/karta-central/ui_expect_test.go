package main

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"karta/central/store"
)

// What the seeded taps should show, worked out here from the seed rather
// than by the store's queries.

func sortNewestFirst(ts []store.StoredTap) {
	slices.SortFunc(ts, func(a, b store.StoredTap) int {
		return cmp.Or(b.Time.Compare(a.Time), strings.Compare(b.Device, a.Device), cmp.Compare(b.Seq, a.Seq))
	})
}

// where returns the seeded taps keep selects, newest first.
func (c *uiCentral) where(keep func(t store.StoredTap) bool) []store.StoredTap {
	var out []store.StoredTap
	for _, t := range c.taps {
		if keep(t) {
			out = append(out, t)
		}
	}
	return out
}

func deviceOf(id string) [4]string {
	for _, d := range uiDevices {
		if d[0] == id {
			return d
		}
	}
	return [4]string{}
}

// category is the registry category of a seeded tap's card.
func (c *uiCentral) category(tok string) string {
	for i, card := range uiCards {
		if c.token(i) == tok {
			return card.category
		}
	}
	return ""
}

// rideKey is one line of the rides report.
type rideKey struct{ month, route, category string }

// expectedRides counts the allowed privileged rides (bus:free and
// bus:discount-*) of month ("2026-11", Kaliningrad time) per route and
// category, and what their riders paid.
func (c *uiCentral) expectedRides(month string) (rides, fares map[rideKey]int64) {
	rides, fares = map[rideKey]int64{}, map[rideKey]int64{}
	for _, t := range c.taps {
		if !t.Allowed || t.Product != "bus:free" && !strings.HasPrefix(t.Product, "bus:discount-") ||
			t.Time.In(kaliningrad).Format("2006-01") != month {
			continue
		}
		k := rideKey{month, deviceOf(t.Device)[2], c.category(t.Token)}
		rides[k]++
		fares[k] += int64(t.Fare)
	}
	return rides, fares
}

// mealKey is one line of the meals report.
type mealKey struct{ day, school, category, meal string }

// expectedMeals counts the allowed meal taps of the days in [from, to]
// ("2026-11-05", Kaliningrad time) per school, category and meal.
func (c *uiCentral) expectedMeals(from, to string) map[mealKey]int64 {
	meals := map[mealKey]int64{}
	for _, t := range c.taps {
		day := t.Time.In(kaliningrad).Format(time.DateOnly)
		if !t.Allowed || !strings.HasPrefix(t.Product, "meal:") || day < from || day > to {
			continue
		}
		meals[mealKey{day, deviceOf(t.Device)[3], c.category(t.Token), strings.TrimPrefix(t.Product, "meal:")}]++
	}
	return meals
}

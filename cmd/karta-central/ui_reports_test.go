package main

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/internal/browsertest"
)

// TestUIReports: the rides report of last month shows the seeded
// privileged rides per route and category (not the full fares, repeats
// or denials), the meals report the seeded lunches per day; each exports
// the same rows as CSV.
func TestUIReports(t *testing.T) {
	c := startUI(t)
	b := c.browser()
	c.login(b, "viewer")
	b.Click("a#nav-reports")
	b.WaitFor("a#report-meals")
	b.Click("a#report-rides")
	b.WaitFor("body")

	local := c.now.In(kaliningrad)
	month := time.Date(local.Year(), local.Month()-1, 1, 0, 0, 0, 0, kaliningrad).Format("2006-01")
	rides, fares := c.expectedRides(month)
	if len(rides) != 4 {
		t.Fatalf("the seed has %d lines of rides in %s: %v", len(rides), month, rides)
	}
	b.Go("/reports/rides?from=" + month + "&to=" + month)
	rows := b.Rows("table#rides-report tr.row")
	got := map[rideKey]int64{}
	for _, r := range rows {
		k, n, err := rideRow(r, month, russian)
		if err != nil {
			t.Errorf("table#rides-report row %q: %v", r, err)
			continue
		}
		got[k] = n
	}
	if !maps.Equal(got, rides) {
		t.Errorf("table#rides-report for %s:\n%q\nwant %v", month, rows, rides)
	}
	b.Screenshot("rides report")
	f := b.Download("a#export-csv")
	recs := readCSV(t, f, "month", "route", "category", "rides", "fare")
	if len(recs)-1 != len(rides) {
		t.Errorf("%s: %d rows, want %d:\n%s", f.Name, len(recs)-1, len(rides), f.Data)
	}
	for _, r := range recs[1:] {
		k, n, err := rideRow(r, month, nil)
		if err != nil || rides[k] != n || r[4] != strconv.FormatInt(fares[k], 10) {
			t.Errorf("%s: row %q (%v), want %d rides and a fare of %d kopecks", f.Name, r, err, rides[k], fares[k])
		}
	}

	from := time.Date(local.Year(), local.Month()-1, 4, 0, 0, 0, 0, kaliningrad).Format(time.DateOnly)
	to := time.Date(local.Year(), local.Month()-1, 10, 0, 0, 0, 0, kaliningrad).Format(time.DateOnly)
	meals := c.expectedMeals(from, to)
	if len(meals) != 4 {
		t.Fatalf("the seed has %d lines of meals from %s to %s: %v", len(meals), from, to, meals)
	}
	b.Go("/reports")
	b.Click("a#report-meals")
	b.Go("/reports/meals?from=" + from + "&to=" + to)
	rows = b.Rows("table#meals-report tr.row")
	gotMeals := map[mealKey]int64{}
	for _, r := range rows {
		k, n, err := mealRow(r, russian)
		if err != nil {
			t.Errorf("table#meals-report row %q: %v", r, err)
			continue
		}
		gotMeals[k] = n
	}
	if !maps.Equal(gotMeals, meals) {
		t.Errorf("table#meals-report from %s to %s:\n%q\nwant %v", from, to, rows, meals)
	}
	b.Screenshot("meals report")
	f = b.Download("a#export-csv")
	recs = readCSV(t, f, "day", "school", "category", "meal", "meals")
	if len(recs)-1 != len(meals) {
		t.Errorf("%s: %d rows, want %d:\n%s", f.Name, len(recs)-1, len(meals), f.Data)
	}
	for _, r := range recs[1:] {
		if k, n, err := mealRow(r, nil); err != nil || meals[k] != n {
			t.Errorf("%s: row %q (%v), want %d meals", f.Name, r, err, meals[k])
		}
	}
}

// russian are the codes of the seeded categories and meals as the
// Russian pages name them.
var russian = map[string]string{"пенсионер": "pensioner", "школьник": "schoolchild", "ветеран": "veteran", "обед": "lunch"}

// code is the code a page's name stands for; names nil: the name is the
// code (CSV).
func code(name string, names map[string]string) (string, error) {
	if names == nil {
		return name, nil
	}
	if c, ok := names[name]; ok {
		return c, nil
	}
	return "", fmt.Errorf("%q names no seeded category or meal", name)
}

// rideRow reads a line of the rides report, HTML or CSV: month, route,
// category, rides, fare.
func rideRow(cells []string, month string, names map[string]string) (rideKey, int64, error) {
	if len(cells) != 5 || cells[0] != month {
		return rideKey{}, 0, fmt.Errorf("want %s, route, category, rides and fare", month)
	}
	cat, err := code(cells[2], names)
	if err != nil {
		return rideKey{}, 0, err
	}
	n, err := strconv.ParseInt(cells[3], 10, 64)
	return rideKey{month, cells[1], cat}, n, err
}

// mealRow reads a line of the meals report, HTML or CSV: day, school,
// category, meal, meals.
func mealRow(cells []string, names map[string]string) (mealKey, int64, error) {
	if len(cells) != 5 {
		return mealKey{}, 0, fmt.Errorf("want day, school, category, meal and meals")
	}
	cat, err := code(cells[2], names)
	meal, merr := code(cells[3], names)
	if err = cmp.Or(err, merr); err != nil {
		return mealKey{}, 0, err
	}
	n, err := strconv.ParseInt(cells[4], 10, 64)
	return mealKey{cells[0], cells[1], cat, meal}, n, err
}

// readCSV parses a downloaded CSV and checks its header names cols.
func readCSV(t *testing.T, f browsertest.File, cols ...string) [][]string {
	t.Helper()
	recs, err := csv.NewReader(bytes.NewReader(f.Data)).ReadAll()
	if err != nil || len(recs) == 0 {
		t.Fatalf("%s: %d records, %v:\n%s", f.Name, len(recs), err, f.Data)
	}
	for _, col := range cols {
		if !slices.ContainsFunc(recs[0], func(h string) bool { return strings.Contains(strings.ToLower(h), col) }) {
			t.Errorf("%s: the header %q has no %s column", f.Name, recs[0], col)
		}
	}
	return recs
}

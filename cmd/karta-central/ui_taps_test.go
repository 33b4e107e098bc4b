package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/internal/browsertest"
)

// TestUITapFilters: each filter of form#tap-filters shows exactly the
// seeded taps it selects, newest first, page by page; the CSV export
// holds the same taps.
func TestUITapFilters(t *testing.T) {
	c := startUI(t)
	b := c.browser()
	c.login(b, "viewer")
	b.Click("a#nav-taps")
	b.WaitFor("form#tap-filters")
	b.WaitFor("table#taps")
	b.Screenshot("taps")

	// No filter: the newest page, and a#next-page to the rest.
	pageSize := b.Count("table#taps tr.tap")
	if pageSize == 0 || pageSize >= len(c.taps) || b.Count("a#next-page") != 1 {
		t.Fatalf("the unfiltered first page has %d of %d taps, next page links %d", pageSize, len(c.taps), b.Count("a#next-page"))
	}
	checkTapPage(t, b, c.taps[:pageSize], "unfiltered")
	b.Click("a#next-page")
	checkTapPage(t, b, c.taps[pageSize:min(2*pageSize, len(c.taps))], "unfiltered, page 2")
	b.Screenshot("taps page 2")
	b.Click("a#prev-page")
	checkTapPage(t, b, c.taps[:pageSize], "unfiltered, back to page 1")

	prev := time.Date(c.now.In(kaliningrad).Year(), c.now.In(kaliningrad).Month()-1, 4, 0, 0, 0, 0, kaliningrad)
	for _, f := range []struct {
		name   string
		fields map[string]string // input or select name → value
		keep   func(store.StoredTap) bool
	}{
		{"device", map[string]string{"device": "bus-0112"}, func(s store.StoredTap) bool { return s.Device == "bus-0112" }},
		{"role", map[string]string{"role": "canteen"}, func(s store.StoredTap) bool { return s.Role == "canteen" }},
		{"decision", map[string]string{"decision": "denied"}, func(s store.StoredTap) bool { return !s.Allowed }},
		{"time range", map[string]string{"from": prev.Format("2006-01-02T15:04"), "to": prev.AddDate(0, 0, 4).Format("2006-01-02T15:04")},
			func(s store.StoredTap) bool { return !s.Time.Before(prev) && s.Time.Before(prev.AddDate(0, 0, 4)) }},
		{"route", map[string]string{"route": "112"}, func(s store.StoredTap) bool { return deviceOf(s.Device)[2] == "112" }},
		{"school", map[string]string{"school": "school-39"}, func(s store.StoredTap) bool { return deviceOf(s.Device)[3] == "school-39" }},
		{"reason", map[string]string{"reason": "meal_taken"}, func(s store.StoredTap) bool { return s.Reason == "meal_taken" }},
		{"role, decision and time", map[string]string{"role": "bus", "decision": "allowed", "from": prev.Format("2006-01-02T15:04")},
			func(s store.StoredTap) bool { return s.Role == "bus" && s.Allowed && !s.Time.Before(prev) }},
	} {
		t.Run(f.name, func(t *testing.T) {
			defer b.In(t)()
			want := c.where(f.keep)
			if len(want) == 0 || len(want) == len(c.taps) {
				t.Fatalf("the filter selects %d of %d seeded taps; the check would prove nothing", len(want), len(c.taps))
			}
			b.Go("/taps")
			for name, v := range f.fields {
				b.Fill(fmt.Sprintf("form#tap-filters [name=%s]", name), v)
			}
			b.Click("button#filter-submit")
			first := b.Location()
			checkDecisions(t, b, want)
			checkTapRows(t, allTapRows(t, b), want, f.name)
			b.Go(first)
			b.Screenshot("filter " + f.name)
			checkTapCSV(t, b, want)
		})
	}
}

// TestUITapsCSVDefused: a cell of the CSV export a spreadsheet would run
// as a formula — a device names its own reader — is defused with a quote.
func TestUITapsCSVDefused(t *testing.T) {
	c := startUI(t)
	b := c.browser()
	c.login(b, "viewer")
	b.Go("/taps?device=school-12-t1")
	if got := b.Texts("table#taps tr.tap td"); !slices.Contains(got, hostileReader) {
		t.Errorf("the page does not show the reader's name as text: %q", got)
	}
	recs := readCSV(t, b.Download("a#export-csv"), "reader")
	col := slices.IndexFunc(recs[0], func(h string) bool { return strings.Contains(h, "reader") })
	want := c.where(func(s store.StoredTap) bool { return s.Device == "school-12-t1" })
	if len(recs)-1 != len(want) {
		t.Fatalf("%d rows, want %d", len(recs)-1, len(want))
	}
	for i, r := range recs[1:] {
		if r[col] != "'"+hostileReader {
			t.Errorf("row %d: reader %q, want it defused as %q", i+1, r[col], "'"+hostileReader)
			break
		}
	}
}

// tapRows reads the cells of the rows sel matches: a cell's title — the
// code where the page shows a reason or product in words — or else its
// text.
func tapRows(b *browsertest.Browser, sel string) [][]string {
	return browsertest.Eval[[][]string](b, `Array.from(document.querySelectorAll(`+strconv.Quote(sel)+`),
		r => Array.from(r.querySelectorAll(":scope > td"), c => c.title || c.innerText.trim()))`)
}

// allTapRows reads table#taps page after page through a#next-page.
func allTapRows(t *testing.T, b *browsertest.Browser) [][]string {
	t.Helper()
	var rows [][]string
	for page := 1; ; page++ {
		b.WaitFor("table#taps")
		rows = append(rows, tapRows(b, "table#taps tr.tap")...)
		if b.Count("a#next-page") == 0 {
			return rows
		}
		if page == 100 {
			t.Fatalf("a#next-page still there after 100 pages, %d rows", len(rows))
		}
		b.Click("a#next-page")
	}
}

func checkTapPage(t *testing.T, b *browsertest.Browser, want []store.StoredTap, what string) {
	t.Helper()
	checkDecisions(t, b, want)
	checkTapRows(t, tapRows(b, "table#taps tr.tap"), want, what)
}

// checkDecisions checks that the rows of table#taps marked tr.denied are
// the denied taps of want.
func checkDecisions(t *testing.T, b *browsertest.Browser, want []store.StoredTap) {
	t.Helper()
	denied := browsertest.Eval[[]bool](b, `Array.from(document.querySelectorAll("table#taps tr.tap"), r => r.classList.contains("denied"))`)
	for i := range min(len(denied), len(want)) {
		if denied[i] == want[i].Allowed {
			t.Errorf("row %d of table#taps is marked denied=%v; tap %s #%d was allowed=%v", i+1, denied[i], want[i].Device, want[i].Seq, want[i].Allowed)
			return
		}
	}
}

// checkTapRows checks that each row of table#taps shows its seeded tap:
// its device, time (Kaliningrad), reason and product.
func checkTapRows(t *testing.T, rows [][]string, want []store.StoredTap, what string) {
	t.Helper()
	if len(rows) != len(want) {
		t.Errorf("%s: %d rows in table#taps, want %d", what, len(rows), len(want))
	}
	for i := range min(len(rows), len(want)) {
		if miss := tapRowLacks(rows[i], want[i]); miss != "" {
			t.Errorf("%s: row %d %q lacks %s of tap %s #%d at %s", what, i+1, rows[i], miss, want[i].Device, want[i].Seq, want[i].Time)
			return
		}
	}
}

// tapRowLacks names what of tap a row's cells do not show, or "".
func tapRowLacks(cells []string, tap store.StoredTap) string {
	for what, v := range map[string]string{"the device": tap.Device, "the reason": tap.Reason, "the product": tap.Product,
		"the card's token": tap.Token, "the time": tap.Time.In(kaliningrad).Format("2006-01-02 15:04:05")} {
		if v != "" && !slices.ContainsFunc(cells, func(c string) bool { return strings.Contains(c, v) }) {
			return what
		}
	}
	return ""
}

// checkTapCSV downloads a#export-csv and checks its header and that its
// rows are want's, in order.
func checkTapCSV(t *testing.T, b *browsertest.Browser, want []store.StoredTap) {
	t.Helper()
	f := b.Download("a#export-csv")
	recs := readCSV(t, f, "device", "time", "role", "allowed", "reason", "product", "fare", "token")
	if !strings.HasSuffix(f.Name, ".csv") {
		t.Errorf("the export is named %q", f.Name)
	}
	if len(recs)-1 != len(want) {
		t.Errorf("%s: %d rows, want %d", f.Name, len(recs)-1, len(want))
		return
	}
	for i, r := range recs[1:] {
		if miss := tapRowLacks(r, want[i]); miss != "" && miss != "the time" {
			t.Errorf("%s: row %d %q lacks %s of tap %s #%d", f.Name, i+1, r, miss, want[i].Device, want[i].Seq)
			return
		}
	}
}

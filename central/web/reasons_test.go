package web_test

import (
	"encoding/csv"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/offline/offlinetest"
)

// TestReasonsShown: the taps page, a card's taps (after a lookup) and the
// device page show reasons and products in the page's language, the code
// in a title; a code the catalog lacks shows as it is; the CSV keeps the
// codes.
func TestReasonsShown(t *testing.T) {
	u := newUI(t)
	tok := u.key.PANToken([]byte(panA))
	u.save("bus-1",
		tap(1, t0.Add(-3*time.Minute), "bus", tok, true, "repeat_tap", "bus:repeat", 0),
		tap(2, t0.Add(-2*time.Minute), "bus", tok, false, "no_entitlement", "bus:full", 4500),
		tap(3, t0.Add(-time.Minute), "bus", tok, true, "teleport_refused", "bus:discount-50", 2250))
	u.save("canteen-1", tap(1, t0.Add(-time.Minute), "canteen", tok, true, "ok", "meal:lunch", 0))
	unread := tap(1, t0, "bus", "", false, "unreadable", "", 0)
	unread.List, unread.ListVersion = "", 0
	u.save("bus-2", unread)
	b := u.loggedIn(store.RoleViewer)
	if !strings.Contains(b.get("/taps?device=bus-1").body, "<td>bus-fleet v1</td>") {
		t.Error("the taps page does not name a tap's list and version")
	}
	if page := b.get("/taps?device=bus-2").body; !strings.Contains(page, `title="unreadable"`) || strings.Contains(page, " v0<") {
		t.Error("a tap decided without a list should show no list version (not v0)")
	}
	lookup := b.postForm("/taps", "/taps/lookup", url.Values{"pan": {panA}}).location
	if lookup == "" {
		t.Fatal("no lookup")
	}
	cell := func(class, code, text string) string {
		return `<td class="` + class + `" title="` + code + `">` + text + `</td>`
	}
	want := map[string][]string{
		"ru": {cell("reason", "repeat_tap", "повторное касание"), cell("reason", "no_entitlement", "нет льготы"),
			cell("product", "bus:discount-50", "скидка 50 %"), cell("product", "bus:full", "полный тариф")},
		"en": {cell("reason", "repeat_tap", "repeat tap"), cell("reason", "no_entitlement", "no entitlement"),
			cell("product", "bus:discount-50", "50 % discount"), cell("product", "bus:full", "full fare")},
	}
	unknown := cell("reason", "teleport_refused", "teleport_refused")
	for _, lang := range []string{"ru", "en"} {
		b.get("/lang?to=" + lang + "&back=/")
		meal := map[string]string{"ru": "обед", "en": "lunch"}[lang]
		for _, path := range []string{"/taps", lookup, "/devices/bus-1"} {
			page := b.get(path).body
			for _, w := range append(want[lang], unknown) {
				if !strings.Contains(page, w) {
					t.Errorf("%s %s lacks %s", lang, path, w)
				}
			}
			if path != "/devices/bus-1" && !strings.Contains(page, cell("product", "meal:lunch", meal)) {
				t.Errorf("%s %s does not show meal:lunch as %s", lang, path, meal)
			}
		}
	}
	recs, err := csv.NewReader(strings.NewReader(b.get("/taps.csv?device=bus-1").body)).ReadAll()
	must(t, err)
	var got []string
	for _, r := range recs[1:] {
		got = append(got, r[5]+" "+r[6])
	}
	if strings.Join(got, ",") != "teleport_refused bus:discount-50,no_entitlement bus:full,repeat_tap bus:repeat" {
		t.Errorf("the CSV's reasons and products: %q", got)
	}
}

// TestReasonFilter: the reason filter is a select of the known reasons in
// the page's language, the chosen one selected; a code it does not offer,
// from a link, is added to it and still filters.
func TestReasonFilter(t *testing.T) {
	u := newUI(t)
	u.save("bus-1",
		tap(1, t0.Add(-2*time.Minute), "bus", offlinetest.Token(1), false, "no_entitlement", "bus:full", 4500),
		tap(2, t0.Add(-time.Minute), "bus", offlinetest.Token(2), true, "teleport_refused", "bus:free", 0))
	b := u.loggedIn(store.RoleViewer)
	b.get("/lang?to=en&back=/")
	options := regexp.MustCompile(`<option value="([^"]*)"( selected)?>([^<]*)</option>`)
	reasonSelect := func(page string) (codes []string, selected string) {
		i := strings.Index(page, `<select name="reason">`)
		if i < 0 {
			t.Fatalf("no reason select in:\n%s", page)
		}
		sel := page[i : i+strings.Index(page[i:], "</select>")]
		for _, m := range options.FindAllStringSubmatch(sel, -1) {
			codes = append(codes, m[1])
			if m[2] != "" {
				selected = m[1] + "=" + m[3]
			}
		}
		return codes, selected
	}
	page := b.get("/taps?reason=no_entitlement").body
	codes, selected := reasonSelect(page)
	if len(codes) != 21 || codes[0] != "" || codes[1] != "ok" || codes[20] != "storage_error" {
		t.Errorf("the reason select offers %q", codes)
	}
	if selected != "no_entitlement=no entitlement" || count(page, `<tr class="tap`) != 1 {
		t.Errorf("reason=no_entitlement: %q selected, %d taps", selected, count(page, `<tr class="tap`))
	}
	page = b.get("/taps?reason=teleport_refused").body
	codes, selected = reasonSelect(page)
	if len(codes) != 22 || selected != "teleport_refused=teleport_refused" || count(page, `<tr class="tap`) != 1 {
		t.Errorf("reason=teleport_refused: %d options, %q selected, %d taps", len(codes), selected, count(page, `<tr class="tap`))
	}
	if _, selected = reasonSelect(b.get("/taps").body); selected != "=any" {
		t.Errorf("no reason: %q selected", selected)
	}
}

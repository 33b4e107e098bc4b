package web

import (
	"bytes"
	"encoding/xml"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/internal/golden"
)

// TestChartGolden: the chart of a fixed day, as SVG, is the one in
// testdata (go test -update rewrites it after review), and well-formed
// XML.
func TestChartGolden(t *testing.T) {
	from := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	var counts []store.HourCount
	for h := range 24 {
		at := from.Add(time.Duration(h) * time.Hour)
		counts = append(counts,
			store.HourCount{Hour: at, Role: "bus", Allowed: true, Taps: int64(40 + 10*(h%6))},
			store.HourCount{Hour: at, Role: "bus", Allowed: false, Taps: int64(h % 4)},
			store.HourCount{Hour: at, Role: "turnstile", Allowed: true, Taps: int64(30 * (h % 3))})
		if h%8 == 3 {
			counts = append(counts, store.HourCount{Hour: at, Role: "canteen", Allowed: true, Taps: 25},
				store.HourCount{Hour: at, Role: "canteen", Allowed: false, Taps: 3})
		}
	}
	counts = append(counts, store.HourCount{Hour: from.Add(-time.Hour), Role: "bus", Allowed: true, Taps: 1e6}, // before: left out
		store.HourCount{Hour: from, Role: "tram", Allowed: true, Taps: 1e6}) // unknown role: left out
	l := (&server{}).chartLabels("en")
	l.Title = `Taps <per> hour & "role"` // escaped
	svg := []byte(tapsChart(from, 24, counts, time.FixedZone("MSK-1", 2*3600), l))
	golden.Check(t, "testdata/taps-per-hour.svg", svg)
	d := xml.NewDecoder(bytes.NewReader(svg))
	for {
		if _, err := d.Token(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Errorf("not well-formed XML: %v", err)
			}
			break
		}
	}
}

func TestNiceMax(t *testing.T) {
	for most, want := range map[int64]int64{0: 4, 3: 4, 4: 4, 5: 8, 9: 20, 21: 40, 79: 80, 81: 200, 4001: 8000, 123456: 200000} {
		if got := niceMax([][]int64{{most / 2, most - most/2}}); got != want {
			t.Errorf("niceMax(%d) = %d, want %d", most, got, want)
		}
	}
}

// TestCatalogKeys: both languages have exactly the same keys, and no
// text is empty.
func TestCatalogKeys(t *testing.T) {
	ru, en := slices.Sorted(maps.Keys(catalog["ru"])), slices.Sorted(maps.Keys(catalog["en"]))
	for _, k := range ru {
		if _, ok := catalog["en"][k]; !ok {
			t.Errorf("%q is in Russian only", k)
		}
	}
	for _, k := range en {
		if _, ok := catalog["ru"][k]; !ok {
			t.Errorf("%q is in English only", k)
		}
	}
	for lang, texts := range catalog {
		for k, v := range texts {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s %q is empty", lang, k)
			}
		}
	}
	if _, err := translate("ru", "no.such.key"); err == nil {
		t.Error("a missing key is no error")
	}
}

func TestNormalizePAN(t *testing.T) {
	for typed, want := range map[string]string{
		"2200701234567896":        "2200701234567896",
		"2200 7012 3456 7896":     "2200701234567896",
		" 4111 1111 1111 1111 ":   "4111111111111111",
		"4222222222222":           "4222222222222", // 13 digits
		"6011000990139424":        "6011000990139424",
		"2200701234567890":        "", // check digit
		"220070123456":            "", // 12 digits
		"22007012345678960000000": "", // 23 digits
		"2200-7012-3456-7896":     "",
		"２２００７０１２３４５６７８９６": "", // full-width digits
		"":                 "",
		"                ": "",
	} {
		got, err := normalizePAN(typed)
		if string(got) != want || (err == nil) != (want != "") {
			t.Errorf("normalizePAN(%q) = %q, %v; want %q", typed, got, err, want)
		}
	}
}

// FuzzNormalizePAN: whatever is typed, the result is 13-19 digits with a
// valid check digit or errPAN, and the error never carries the input.
func FuzzNormalizePAN(f *testing.F) {
	for _, s := range []string{"2200701234567896", "2200 7012 3456 7896", "12345", "4111-1111", "", " "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, typed string) {
		pan, err := normalizePAN(typed)
		if err != nil {
			if !errors.Is(err, errPAN) || err.Error() != errPAN.Error() {
				t.Errorf("error %v", err)
			}
			return
		}
		if len(pan) < 13 || len(pan) > 19 || !luhn(pan) || strings.Trim(string(pan), "0123456789") != "" {
			t.Errorf("accepted %q as %q", typed, pan)
		}
		if strings.ReplaceAll(typed, " ", "") != string(pan) {
			t.Errorf("%q became %q", typed, pan)
		}
	})
}

func TestShow(t *testing.T) {
	for d, want := range map[time.Duration]string{0: "0s", 1500 * time.Millisecond: "1.5s", -90 * time.Second: "-1m 30s",
		3*time.Hour + 5*time.Minute: "3h 5m", 50 * time.Hour: "2d 2h", 250 * time.Millisecond: "250ms", -300 * time.Microsecond: "0s", -2 * time.Millisecond: "-2ms", 2 * time.Second: "2s"} {
		if got := showDuration(d, "en"); got != want {
			t.Errorf("showDuration(%v) = %q, want %q", d, got, want)
		}
	}
	if got := showDuration(50*time.Hour, "ru"); got != "2д 2ч" {
		t.Errorf("50 h in Russian: %q", got)
	}
	for kop, want := range map[int64]string{0: "0.00", 4500: "45.00", 5: "0.05", -120: "-1.20"} {
		if got := rubles(kop); got != want {
			t.Errorf("rubles(%d) = %q, want %q", kop, got, want)
		}
	}
	for p, want := range map[string]string{"/taps?x=1": "/taps?x=1", "//evil": "/", "https://evil": "/", "/\\evil": "/", "": "/", "/a\nb": "/"} {
		if got := localPath(p); got != want {
			t.Errorf("localPath(%q) = %q, want %q", p, got, want)
		}
	}
	if got := defuse([]string{"=1+1", "+7", "-3", "-x", "@a", "\tx", "ok", ""}); strings.Join(got, "|") != "'=1+1|+7|-3|'-x|'@a|'\tx|ok|" {
		t.Errorf("defuse: %q", got)
	}
}

// FuzzTapFilter: any query string gives a filter or a message, never a
// panic; a filter's links parse back to the same filter.
func FuzzTapFilter(f *testing.F) {
	for _, q := range []string{"", "from=2026-11-21T10:30&to=2026-11-21T11:00:05&role=bus&decision=denied&page=3",
		"device=bus-1&route=112&school=s&reason=ok&token=k1.x", "page=0", "from=x", "role=tram", "page=99999999999999999999"} {
		f.Add(q)
	}
	s := &server{Options: Options{Location: Region()}}
	f.Fuzz(func(t *testing.T, q string) {
		v, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		tf, bad := s.parseTapFilter(v, "en")
		if bad != "" {
			return
		}
		if tf.Page < 1 || !tf.from.IsZero() && tf.FromText == "" {
			t.Fatalf("%q: %+v", q, tf)
		}
		back, bad := s.parseTapFilter(tf.values(tf.Page), "en")
		if bad != "" || back.query() != tf.query() && !sameQuery(back.query(), tf.query()) || back.Page != tf.Page {
			t.Errorf("%q: links make %+v, %q; want %+v", q, back, bad, tf)
		}
	})
}

func sameQuery(a, b store.TapQuery) bool {
	if (a.Allowed == nil) != (b.Allowed == nil) || a.Allowed != nil && *a.Allowed != *b.Allowed {
		return false
	}
	a.Allowed, b.Allowed = nil, nil
	return a.From.Equal(b.From) && a.To.Equal(b.To) && a.Device == b.Device && a.Route == b.Route &&
		a.School == b.School && a.Role == b.Role && a.Reason == b.Reason && a.Token == b.Token
}

// FuzzPeriod: any report period is refused with a message or is a range
// of whole days (or months), from before to, no longer than allowed.
func FuzzPeriod(f *testing.F) {
	f.Add("2026-11", "2026-12", true)
	f.Add("2026-11-01", "2026-11-30", false)
	f.Add("", "", false)
	f.Add("2026-13", "x", true)
	now := time.Date(2026, 11, 21, 8, 30, 0, 0, time.UTC)
	s := &server{Options: Options{Location: Region(), Clock: func() time.Time { return now }}}
	f.Fuzz(func(t *testing.T, from, to string, months bool) {
		layout, next, longest := "2006-01-02", nextDay, maxDays
		if months {
			layout, next, longest = "2006-01", nextMonth, maxMonths
		}
		p, bad := s.parsePeriod(url.Values{"from": {from}, "to": {to}}, layout, next, longest)
		if bad != "" {
			if _, err := translate("en", bad); err != nil {
				t.Errorf("message %q is not in the catalog", bad)
			}
			return
		}
		if !p.from.Before(p.to) || p.from.In(s.Location).Hour() != 0 || p.to.In(s.Location).Hour() != 0 {
			t.Errorf("%q..%q: %v..%v", from, to, p.from, p.to)
		}
		if p.to.Sub(p.from) > time.Duration(longest)*32*24*time.Hour {
			t.Errorf("%q..%q: too long: %v", from, to, p.to.Sub(p.from))
		}
	})
}

// TestTapReasons: the taps filter offers every reason code the agent
// declares (agent/decision.go, read as source: central does not link the
// agent), in its order, and each has a text in every language.
func TestTapReasons(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../../agent/decision.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var agent []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, spec := range g.Specs {
			v := spec.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); ok && id.Name == "Reason" {
				code, err := strconv.Unquote(v.Values[0].(*ast.BasicLit).Value)
				if err != nil {
					t.Fatal(err)
				}
				agent = append(agent, code)
			}
		}
	}
	if !slices.Equal(tapReasons, agent) {
		t.Errorf("tapReasons = %q\nagent's     %q", tapReasons, agent)
	}
	for _, lang := range languages {
		for _, code := range tapReasons {
			if _, err := translate(lang, "reason."+code); err != nil {
				t.Error(err)
			}
		}
	}
}

// TestReasonAndProductText: codes become the catalog's words; codes it
// does not know, or that only look like known ones, stay as they are.
func TestReasonAndProductText(t *testing.T) {
	for _, tt := range []struct{ lang, code, reason, product string }{
		{"ru", "repeat_tap", "повторное касание", "repeat_tap"},
		{"en", "repeat_tap", "repeat tap", "repeat_tap"},
		{"en", "no_entitlement", "no entitlement", "no_entitlement"},
		{"ru", "bus:discount-50", "bus:discount-50", "скидка 50 %"},
		{"en", "bus:discount-30", "bus:discount-30", "30 % discount"},
		{"en", "bus:discount-050", "bus:discount-050", "bus:discount-050"},
		{"en", "bus:discount-0", "bus:discount-0", "bus:discount-0"},
		{"en", "bus:discount-101", "bus:discount-101", "bus:discount-101"},
		{"en", "bus:discount-", "bus:discount-", "bus:discount-"},
		{"ru", "bus:free", "bus:free", "бесплатно"},
		{"en", "bus:full", "bus:full", "full fare"},
		{"ru", "meal:lunch", "meal:lunch", "обед"},
		{"en", "meal:breakfast", "meal:breakfast", "breakfast"},
		{"en", "meal:brunch", "meal:brunch", "meal:brunch"},
		{"en", "meal:", "meal:", "meal:"},
		{"en", "entry:out", "entry:out", "exit"},
		{"ru", "teleport_refused", "teleport_refused", "teleport_refused"},
		{"en", "", "", ""},
		{"en", `=HYPERLINK("x")`, `=HYPERLINK("x")`, `=HYPERLINK("x")`},
	} {
		if got := reasonText(tt.lang, tt.code); got != tt.reason {
			t.Errorf("%s reason %q: %q, want %q", tt.lang, tt.code, got, tt.reason)
		}
		if got := productText(tt.lang, tt.code); got != tt.product {
			t.Errorf("%s product %q: %q, want %q", tt.lang, tt.code, got, tt.product)
		}
	}
}

// TestReportRows: report rows are cells in the page's language, numbers
// marked, every cell escaped (a school or route is the registry's text).
func TestReportRows(t *testing.T) {
	meals := mealRows([]store.MealRow{
		{Day: "2026-11-20", School: "school-39", Category: "schoolchild", Meal: "lunch", Meals: 12},
		{Day: "2026-11-21", School: `<b>"A&B's"</b>`, Category: "nobody", Meal: "brunch", Meals: 3}}, "ru")
	want := "\n" + `<tr class="row"><td>2026-11-20</td><td>school-39</td><td>школьник</td><td>обед</td><td class="num">12</td></tr>` +
		"\n" + `<tr class="row"><td>2026-11-21</td><td>&lt;b&gt;&#34;A&amp;B&#39;s&#34;&lt;/b&gt;</td><td>nobody</td><td>brunch</td><td class="num">3</td></tr>`
	if string(meals) != want {
		t.Errorf("meal rows:\n%s\nwant\n%s", meals, want)
	}
	rides := rideRows([]store.RideRow{{Month: "2026-11", Route: "112", Category: "veteran", Rides: 40, Fare: 4500}}, "en")
	want = "\n" + `<tr class="row"><td>2026-11</td><td>112</td><td>veteran</td><td class="num">40</td><td class="num">45.00</td></tr>`
	if string(rides) != want {
		t.Errorf("ride rows:\n%s\nwant\n%s", rides, want)
	}
	if rows := mealRows(nil, "en"); rows != "" {
		t.Errorf("no rows: %q", rows)
	}
}

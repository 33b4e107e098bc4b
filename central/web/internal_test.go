package web

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"maps"
	"slices"
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
		3*time.Hour + 5*time.Minute: "3h 5m", 50 * time.Hour: "2d 2h", 250 * time.Millisecond: "250ms", -300 * time.Microsecond: "0s", -2 * time.Millisecond: "-2ms"} {
		if got := showDuration(d); got != want {
			t.Errorf("showDuration(%v) = %q, want %q", d, got, want)
		}
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

package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// The region's zone: Kaliningrad, UTC+2 all year (no summer time since
// 2014). Without the zone database a fixed offset says the same.
var region = loadRegion()

func loadRegion() *time.Location {
	if loc, err := time.LoadLocation("Europe/Kaliningrad"); err == nil {
		return loc
	}
	return time.FixedZone("Europe/Kaliningrad", 2*3600)
}

// Bounds of a report's period.
const (
	maxReportMonths = 120
	maxReportDays   = 366
)

// period is a report's [from, to) in the region's zone, and how it was
// asked for.
type period struct {
	from, to         time.Time
	fromText, toText string
}

// monthRange reads from=YYYY-MM&to=YYYY-MM, to inclusive.
func monthRange(v url.Values) (period, error) {
	p, err := readRange(v, "2006-01")
	if err != nil {
		return p, err
	}
	p.to = p.to.AddDate(0, 1, 0)
	if p.from.AddDate(0, maxReportMonths, 0).Before(p.to) {
		return p, fmt.Errorf("api: a report covers at most %d months", maxReportMonths)
	}
	return p, nil
}

// dayRange reads from=YYYY-MM-DD&to=YYYY-MM-DD, to inclusive.
func dayRange(v url.Values) (period, error) {
	p, err := readRange(v, time.DateOnly)
	if err != nil {
		return p, err
	}
	p.to = p.to.AddDate(0, 0, 1)
	if p.from.AddDate(0, 0, maxReportDays).Before(p.to) {
		return p, fmt.Errorf("api: a report covers at most %d days", maxReportDays)
	}
	return p, nil
}

// readRange reads from and to in layout, both required, from not after
// to; format is the only other parameter allowed.
func readRange(v url.Values, layout string) (period, error) {
	for key := range v {
		if key != "from" && key != "to" && key != "format" {
			return period{}, fmt.Errorf("api: unknown parameter %q", key)
		}
	}
	var p period
	var err error
	if p.from, p.fromText, err = readTime(v, "from", layout); err != nil {
		return p, err
	}
	if p.to, p.toText, err = readTime(v, "to", layout); err != nil {
		return p, err
	}
	if p.to.Before(p.from) {
		return p, fmt.Errorf("api: to %s is before from %s", p.toText, p.fromText)
	}
	return p, nil
}

func readTime(v url.Values, key, layout string) (time.Time, string, error) {
	s := v.Get(key)
	if s == "" {
		return time.Time{}, "", fmt.Errorf("api: parameter %s is required (%s)", key, layoutName(layout))
	}
	t, err := time.ParseInLocation(layout, s, region)
	if err != nil || t.Year() < 2000 || t.Year() > 2999 {
		return time.Time{}, "", fmt.Errorf("api: parameter %s=%q: want %s", key, s, layoutName(layout))
	}
	return t, s, nil
}

func layoutName(layout string) string {
	return strings.NewReplacer("2006", "YYYY", "01", "MM", "02", "DD").Replace(layout)
}

// wantCSV reads the answer's format: ?format=csv or json, else CSV when
// the Accept header asks for text/csv.
func wantCSV(r *http.Request) (bool, error) {
	switch f := r.URL.Query().Get("format"); f {
	case "csv":
		return true, nil
	case "json":
		return false, nil
	case "":
		return strings.Contains(r.Header.Get("Accept"), "text/csv"), nil
	default:
		return false, fmt.Errorf("api: parameter format=%q: json or csv", f)
	}
}

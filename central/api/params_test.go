package api

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// FuzzParams reads any query as each endpoint's parameters: a read either
// fails with an error or gives a period that starts at a midnight in the
// region, before its end, within the bounds; a tap export always has from
// and to.
//
//	go test -run '^$' -fuzz FuzzParams -fuzztime 30s ./central/api/
func FuzzParams(f *testing.F) {
	for _, q := range []string{
		"from=2026-11&to=2026-11", "from=2026-11-01&to=2026-11-30&format=csv", "from=2026-12&to=2026-11",
		"from=2026-02-29&to=2026-03-01", "from=2026-1&to=2026-2", "from=9999-12&to=9999-12",
		"from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z&route=12&school=s&allowed=1&format=csv",
		"from=2026-11-01T00:00:00%2B02:00&to=2026-11-01T00:00:00Z&limit=3", "partial=1&max_delete=NaN",
	} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		v, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		if p, err := monthRange(v); err == nil {
			checkPeriod(t, p, maxReportMonths*31)
		}
		if p, err := dayRange(v); err == nil {
			checkPeriod(t, p, maxReportDays)
		}
		r := &http.Request{Method: "GET", URL: &url.URL{Path: "/api/v1/taps/export", RawQuery: raw}, Header: http.Header{}}
		if q, err := exportQuery(r); err == nil && (q.From.IsZero() || !q.From.Before(q.To) || q.Limit != 0 || q.Offset != 0) {
			t.Fatalf("export %q: %+v", raw, q)
		}
		if _, err := wantCSV(r); err != nil && v.Get("format") == "" {
			t.Fatalf("format %q: %v", raw, err)
		}
		var o upload
		if err := uploadQuery(v, &o); err == nil && !(o.maxDelete >= 0 && o.maxDelete <= 100) {
			t.Fatalf("upload %q: max_delete %v", raw, o.maxDelete)
		}
	})
}

func checkPeriod(t *testing.T, p period, maxDays int) {
	t.Helper()
	l := p.from.In(region)
	if l.Hour() != 0 || l.Minute() != 0 || l.Second() != 0 || !p.from.Before(p.to) {
		t.Fatalf("period %s..%s: %v to %v", p.fromText, p.toText, p.from, p.to)
	}
	if d := p.to.Sub(p.from); d > time.Duration(maxDays+1)*24*time.Hour {
		t.Fatalf("period %s..%s is %v long", p.fromText, p.toText, d)
	}
}

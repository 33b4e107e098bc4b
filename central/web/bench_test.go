package web_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/central/web"
	"karta/central/web/password"
	"karta/offline/offlinetest"
)

// benchTapsDefault is how many taps BenchmarkPages stores without
// $KARTA_BENCH_TAPS: few, so that `go test -bench .` stays quick.
const benchTapsDefault = 10_000

// BenchmarkPages times each ops page as a logged-in user gets it, from
// the request to the last byte of the answer, against a store holding
// $KARTA_BENCH_TAPS taps (10,000 without it) from storetest.FillTaps, on
// each backend. Each page X comes with X/store: the store calls the page
// makes, alone, so that X over X/store is what the UI itself costs.
// $KARTA_BENCH_KEEP=DIR keeps the databases for the next run (and for
// central/store's BenchmarkCentral, which fills the same ones):
//
//	KARTA_BENCH_TAPS=10000000 KARTA_BENCH_KEEP=/tmp/kb go test -run '^$' -bench Pages -benchtime 20x -timeout 3h ./central/web/
func BenchmarkPages(b *testing.B) {
	n := int64(benchTapsDefault)
	if v := os.Getenv("KARTA_BENCH_TAPS"); v != "" {
		var err error
		if n, err = strconv.ParseInt(v, 10, 64); err != nil || n <= 0 {
			b.Fatalf("KARTA_BENCH_TAPS=%q: want a number of taps", v)
		}
	}
	for _, backend := range storetest.Backends {
		b.Run(backend, func(b *testing.B) {
			start := time.Now()
			st := storetest.BenchStore(b, backend, n)
			b.Logf("%s: %d taps ready in %v", backend, n, time.Since(start).Round(time.Second))
			ui := newBenchUI(b, st)
			for _, p := range benchPages() {
				b.Run(p.name, func(b *testing.B) { ui.time(b, p.path, p.fresh) })
				b.Run(p.name+"/store", func(b *testing.B) {
					for b.Loop() {
						if err := p.store(context.Background(), st); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}

// The fake clock of BenchmarkPages: an evening in the middle of the
// filled year, and that day and month.
var (
	benchNow   = time.Date(2026, 6, 10, 18, 0, 0, 0, kaliningrad)
	benchDay   = time.Date(2026, 6, 10, 0, 0, 0, 0, kaliningrad)
	benchMonth = time.Date(2026, 6, 1, 0, 0, 0, 0, kaliningrad)
)

// benchDevice is a bus of FillTaps' fleet, on route 21.
const benchDevice = "bus-042"

type benchPage struct {
	name, path string
	store      func(ctx context.Context, st *store.Store) error // the calls the page makes
	fresh      bool                                             // each GET from a UI just started
}

func benchPages() []benchPage {
	no := false
	dayText := "from=2026-06-10T00:00&to=2026-06-11T00:00"
	day := store.TapQuery{From: benchDay, To: benchDay.AddDate(0, 0, 1)}
	taps := func(name, query string, q store.TapQuery) benchPage {
		path := "/taps"
		if query != "" {
			path += "?" + query
		}
		return benchPage{name: name, path: path, store: func(ctx context.Context, st *store.Store) error {
			q.Limit, q.Offset = 51, max(q.Offset, 0) // a page of 50 and whether there is a next
			if _, err := st.Taps(ctx, q); err != nil {
				return err
			}
			_, err := st.Devices(ctx) // the device filter's choices
			return err
		}}
	}
	return []benchPage{
		// The overview keeps its chart for a minute: most requests
		// count only the devices and alerts, the first after that the
		// chart's taps per hour too.
		{name: "overview", path: "/", store: benchOverview(false)},
		{name: "overview/chart-counted", path: "/", store: benchOverview(true), fresh: true},
		taps("taps", "", store.TapQuery{}),
		taps("taps/device", "device="+benchDevice, store.TapQuery{Device: benchDevice}),
		taps("taps/route", "route=21", store.TapQuery{Route: "21"}),
		taps("taps/school", "school=school-42", store.TapQuery{School: "school-42"}),
		taps("taps/reason", "reason=stoplisted", store.TapQuery{Reason: "stoplisted"}),
		taps("taps/denied", "decision=denied", store.TapQuery{Allowed: &no}),
		taps("taps/day", dayText, day),
		taps("taps/token", "token="+offlinetest.Token(12345), store.TapQuery{Token: offlinetest.Token(12345)}),
		taps("taps/page50", "page=50", store.TapQuery{Offset: 49 * 50}),
		{name: "devices", path: "/devices", store: func(ctx context.Context, st *store.Store) error {
			_, err := st.Devices(ctx)
			return err
		}},
		{name: "device", path: "/devices/" + benchDevice, store: func(ctx context.Context, st *store.Store) error {
			if _, err := st.Device(ctx, benchDevice); err != nil {
				return err
			}
			if _, err := st.Commands(ctx, benchDevice, 10); err != nil {
				return err
			}
			_, err := st.Taps(ctx, store.TapQuery{Device: benchDevice, Limit: 20})
			return err
		}},
		{name: "lists", path: "/lists", store: benchLists},
		{name: "rides/month", path: "/reports/rides?from=2026-06&to=2026-06", store: func(ctx context.Context, st *store.Store) error {
			_, err := st.RidesReport(ctx, benchMonth, benchMonth.AddDate(0, 1, 0), kaliningrad)
			return err
		}},
		{name: "rides/12months", path: "/reports/rides?from=2025-12&to=2026-11", store: func(ctx context.Context, st *store.Store) error {
			_, err := st.RidesReport(ctx, benchMonth.AddDate(0, -6, 0), benchMonth.AddDate(0, 6, 0), kaliningrad)
			return err
		}},
		{name: "meals/month", path: "/reports/meals?from=2026-06-01&to=2026-06-30", store: func(ctx context.Context, st *store.Store) error {
			_, err := st.MealsReport(ctx, benchMonth, benchMonth.AddDate(0, 1, 0), kaliningrad)
			return err
		}},
		{name: "alerts", path: "/alerts", store: func(ctx context.Context, st *store.Store) error {
			_, err := st.Alerts(ctx, true, 500)
			return err
		}},
		{name: "taps.csv/day", path: "/taps.csv?" + dayText, store: func(ctx context.Context, st *store.Store) error {
			_, err := benchDayTaps(ctx, st, day)
			return err
		}},
	}
}

// benchOverview are the overview's calls, with or without the chart's.
func benchOverview(chart bool) func(ctx context.Context, st *store.Store) error {
	return func(ctx context.Context, st *store.Store) error {
		if _, err := st.Devices(ctx); err != nil {
			return err
		}
		if _, err := st.Alerts(ctx, true, 1000); err != nil || !chart {
			return err
		}
		to := benchNow.Truncate(time.Hour).Add(time.Hour)
		_, err := st.TapsPerHour(ctx, to.Add(-24*time.Hour), to)
		return err
	}
}

// benchLists are the lists page's calls.
func benchLists(ctx context.Context, st *store.Store) error {
	if _, err := st.Devices(ctx); err != nil {
		return err
	}
	names, err := st.ListNames(ctx)
	for _, name := range names {
		if err == nil {
			_, err = st.ListVersions(ctx, name)
		}
	}
	return err
}

// benchDayTaps reads the taps of q as the CSV export does: 5000 at a
// time, each read from the time of the last one read.
func benchDayTaps(ctx context.Context, st *store.Store, q store.TapQuery) (int, error) {
	n, atLast := 0, 0
	var last time.Time
	for {
		page := q
		page.Limit = 5000
		if !last.IsZero() {
			page.To, page.Offset = last.Add(time.Microsecond), atLast
		}
		ts, err := st.Taps(ctx, page)
		if err != nil {
			return n, err
		}
		for _, t := range ts {
			if !t.Time.Equal(last) {
				last, atLast = t.Time, 0
			}
			atLast++
		}
		if n += len(ts); len(ts) < page.Limit {
			return n, nil
		}
	}
}

// benchUI is the UI on a filled store with the session cookie of a
// technician who logged in through the login form.
type benchUI struct {
	st      *store.Store
	h       http.Handler
	cookies []*http.Cookie
}

const benchUser, benchPassword = "bench-ops", "bench pages password"

func newBenchUI(b *testing.B, st *store.Store) *benchUI {
	b.Helper()
	ctx := context.Background()
	hash, err := password.Hash(benchPassword, 1)
	must(b, err)
	// A kept database has the user from the last run, with this password.
	if err := st.AddUser(ctx, store.User{Name: benchUser, Role: store.RoleTechnician, Hash: hash}); err != nil && !errors.Is(err, store.ErrExists) {
		b.Fatal(err)
	}
	u := &benchUI{st: st, h: benchHandler(st)}
	srv := httptest.NewServer(u.h)
	defer srv.Close()
	jar, err := cookiejar.New(nil)
	must(b, err)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	page := benchGet(b, c, srv.URL+"/login")
	req, err := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(url.Values{
		"csrf": {csrfField.FindStringSubmatch(page)[1]}, "user": {benchUser}, "password": {benchPassword}}.Encode()))
	must(b, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", srv.URL)
	res, err := c.Do(req)
	must(b, err)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/" {
		b.Fatalf("login: %s", res.Status)
	}
	su, err := url.Parse(srv.URL)
	must(b, err)
	u.cookies = jar.Cookies(su)
	return u
}

func benchHandler(st *store.Store) http.Handler {
	return web.Handler(web.Options{Store: st, Users: st, Clock: func() time.Time { return benchNow }, Log: discard, Iterations: 1})
}

func benchGet(b *testing.B, c *http.Client, u string) string {
	b.Helper()
	res, err := c.Get(u)
	must(b, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	must(b, err)
	return string(body)
}

// get serves one GET of path in process, as the session's browser.
func (u *benchUI) get(b *testing.B, h http.Handler, path string) int {
	req := httptest.NewRequest(http.MethodGet, path, nil)
	for _, c := range u.cookies {
		req.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("GET %s: %d\n%.2000s", path, rec.Code, rec.Body.String())
	}
	return rec.Body.Len()
}

// time times GETs of path, reporting the page's size; fresh: each from
// a UI just started, with nothing kept from the last request (the
// overview's chart).
func (u *benchUI) time(b *testing.B, path string, fresh bool) {
	size := 0
	for range b.N {
		h := u.h
		if fresh {
			b.StopTimer()
			h = benchHandler(u.st)
			b.StartTimer()
		}
		size = u.get(b, h, path)
	}
	b.ReportMetric(float64(size), "bytes")
}

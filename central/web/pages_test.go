package web_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"karta/central/lists"
	"karta/central/store"
	"karta/central/web"
	"karta/offline/bundle/bundletest"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
)

// seed fills the store as a day of service would: statuses, taps of
// every role over the last day (a hostile reason among them), alerts,
// two list versions.
func (u *ui) seed() {
	u.t.Helper()
	ctx := context.Background()
	must(u.t, u.st.UpdateStatus(ctx, tapsync.Status{Device: "bus-1", Online: true, Role: "bus", Boot: 3, Backlog: 7,
		Agent: "karta-agent 1.4.2", Time: t0.Add(3 * time.Minute),
		Lists:   []tapsync.ListStatus{{List: "bus-fleet", Version: 1, Issued: t0.Add(-26 * time.Hour), Entries: 20}},
		Readers: []tapsync.Reader{{Name: "pcsc0", OK: true, Errors: 2}, {Name: "pn532", OK: false, Errors: 5}}}, t0))
	must(u.t, u.st.UpdateStatus(ctx, tapsync.Status{Device: "canteen-1", Online: false}, t0))
	var bus, canteen []offlineTap
	for i := range 60 {
		at := t0.Add(-time.Duration(i) * 20 * time.Minute)
		bus = append(bus, tap(uint64(i+1), at, "bus", offlinetest.Token(i%7), i%5 != 0, "ok", "bus:free", 0))
		canteen = append(canteen, tap(uint64(i+1), at.Add(time.Minute), "canteen", offlinetest.Token(i%3), i%4 != 0, "ok", "meal:lunch", 0))
	}
	bus[3].Reason, bus[3].Product = "=HYPERLINK(\"http://evil.example\")", "@SUM(A1)"
	u.save("bus-1", bus...)
	u.save("canteen-1", canteen...)
	for _, k := range []string{store.AlertOffline, store.AlertClonedCard} {
		_, err := u.st.AddAlert(ctx, store.Alert{Kind: k, Device: "canteen-1", Detail: "<b>look</b>", At: t0.Add(-time.Hour)})
		must(u.t, err)
	}
	_, err := u.st.PutEntitlements(ctx, bundletest.Entries(20))
	must(u.t, err)
	b := &lists.Builder{Store: u.st, Key: u.sk, Now: u.clock, Log: discard}
	_, err = b.Build(ctx, false)
	must(u.t, err)
	u.advance(time.Minute)
	_, err = b.Build(ctx, true)
	must(u.t, err)
}

// TestEveryPage: every page renders in both languages with every text
// in the catalog, the security headers, and its elements.
func TestEveryPage(t *testing.T) {
	u := newUI(t)
	u.seed()
	b := u.loggedIn(store.RoleAdmin)
	month := t0.Format("2006-01")
	for _, lang := range []string{"ru", "en"} {
		b.get("/lang?to=" + lang + "&back=/")
		for path, want := range map[string][]string{
			"/":                     {`<svg id="taps-per-hour"`, `id="devices-online" class="value">1<`, `id="devices-offline" class="value bad">1<`, `id="sync-backlog" class="value">7<`, `id="open-alerts"`},
			"/taps":                 {`<form id="tap-filters" method="get"`, `<table id="taps">`, `id="next-page"`, `id="export-csv"`, `<form id="card-lookup" method="post" action="/taps/lookup"`, `autocomplete="off" inputmode="numeric"`},
			"/taps?page=2&role=bus": {`id="prev-page"`, `<tr class="tap`},
			"/devices":              {`<table id="devices">`, `<tr class="device online">`, `<a class="device-link" href="/devices/bus-1">`, "karta-agent 1.4.2", "bus-fleet v1"},
			"/devices/bus-1":        {`<form id="send-command" method="post" action="/devices/bus-1/command"`, `<select name="kind">`, `id="command-submit"`, "pn532"},
			"/lists":                {`<table id="lists">`, "bus-fleet", "v2", `v1, `, `href="/devices/bus-1"`},
			"/reports":              {`id="report-rides"`, `id="report-meals"`},
			"/reports/rides?from=" + month + "&to=" + month: {`<table id="rides-report">`, `<tr class="row">`, `id="export-csv" href="/reports/rides.csv?from=` + month},
			"/reports/meals?from=2026-11-20&to=2026-11-21":  {`<table id="meals-report">`, `<tr class="row">`, `href="/reports/meals.csv?from=2026-11-20&amp;to=2026-11-21"`},
			"/alerts":       {`<table id="alerts">`, `<form class="resolve-alert" method="post"`, "&lt;b&gt;look&lt;/b&gt;"},
			"/alerts?all=1": {`<table id="alerts">`},
			"/users":        {`<table id="users">`, `<form id="add-user" method="post" action="/users"`, `name="password" type="password"`, `<form class="user-role" method="post" action="/users/viewer/role">`},
			"/login":        {}, // logged in: back to the overview
		} {
			res := b.get(path)
			if path == "/login" {
				if res.code != http.StatusSeeOther {
					t.Errorf("%s logged in: %d", path, res.code)
				}
				continue
			}
			if res.code != http.StatusOK {
				t.Errorf("%s %s: %d\n%s", lang, path, res.code, res.body)
				continue
			}
			checkHeaders(t, path, res)
			if !strings.Contains(res.body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: not in %s", lang, path, lang)
			}
			for _, w := range append(want, `id="nav-users"`, `<form id="logout" method="post"`, `id="logout-submit"`, `id="lang-en"`, `id="lang-ru"`) {
				if !strings.Contains(res.body, w) {
					t.Errorf("%s %s lacks %s", lang, path, w)
				}
			}
			if lang == "en" && hasCyrillic(res.body) {
				t.Errorf("%s in English has Russian text: %s", path, firstCyrillic(res.body))
			}
		}
	}
	if strings.Contains(u.log.String(), "web: no ") || strings.Contains(u.log.String(), "page failed") {
		t.Errorf("a page failed:\n%s", u.log)
	}
	if res := b.get("/nowhere"); res.code != http.StatusNotFound || !strings.Contains(res.body, `class="error"`) {
		t.Errorf("/nowhere: %d", res.code)
	}
	if res := u.browser().get("/static/style.css"); res.code != 200 || res.header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("style sheet: %d %s", res.code, res.header.Get("Content-Type"))
	}
}

func checkHeaders(t *testing.T, path string, res response) {
	t.Helper()
	for h, want := range map[string]string{
		"Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'",
		"X-Content-Type-Options":  "nosniff",
		"Referrer-Policy":         "no-referrer",
		"Cache-Control":           "no-store",
	} {
		if got := res.header.Get(h); got != want {
			t.Errorf("%s: %s %q, want %q", path, h, got, want)
		}
	}
	if strings.Contains(res.body, "<script") || strings.Contains(res.body, " style=") {
		t.Errorf("%s has a script or an inline style, which the CSP forbids", path)
	}
}

// TestTapFilters: each filter narrows the page to what it names; paging
// goes by Limit+1; a malformed filter is a 400 that says which.
func TestTapFilters(t *testing.T) {
	u := newUI(t)
	u.seed()
	b := u.loggedIn(store.RoleViewer)
	from := t0.Add(-3 * time.Hour).In(kaliningrad).Format("2006-01-02T15:04")
	for _, tt := range []struct {
		query string
		want  int
	}{
		{"", 50},
		{"page=3", 20}, // 120 taps
		{"device=bus-1", 50},
		{"route=112", 50},
		{"school=school-39", 50},
		{"role=canteen&decision=denied", 15},
		{"role=bus&decision=allowed&from=" + url.QueryEscape(from), 8}, // 10 bus taps in [from, t0], 2 denied
		{"reason=" + url.QueryEscape(`=HYPERLINK("http://evil.example")`), 1},
		{"token=" + url.QueryEscape(offlinetest.Token(0)), 29}, // bus 9 + canteen 20
		{"route=7", 0},
	} {
		res := b.get("/taps?" + tt.query)
		if n := count(res.body, `<tr class="tap`); res.code != 200 || n != tt.want {
			t.Errorf("/taps?%s: %d, %d taps, want %d", tt.query, res.code, n, tt.want)
		}
	}
	for _, q := range []string{"from=yesterday", "role=tram", "decision=maybe", "page=0", "page=x"} {
		if res := b.get("/taps?" + q); res.code != http.StatusBadRequest || !strings.Contains(res.body, `class="error"`) {
			t.Errorf("/taps?%s: %d, want 400 with .error", q, res.code)
		}
	}
	res := b.get("/taps?page=2")
	if !strings.Contains(res.body, `id="prev-page" href="/taps"`) || !strings.Contains(res.body, `id="next-page" href="/taps?page=3"`) {
		t.Errorf("page 2's links:\n%s", res.body)
	}
	if res := b.get("/taps?page=3"); strings.Contains(res.body, `id="next-page"`) {
		t.Error("the last page links a next one")
	}
}

// TestTapsCSV: the export holds every tap the filters select (not only a
// page), newest first, under a header, with formula-looking cells
// defused.
func TestTapsCSV(t *testing.T) {
	u := newUI(t)
	u.seed()
	b := u.loggedIn(store.RoleViewer)
	res := b.get("/taps.csv?device=bus-1")
	if res.code != 200 || res.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		res.header.Get("Content-Disposition") != `attachment; filename="taps.csv"` {
		t.Fatalf("taps.csv: %d %q %q", res.code, res.header.Get("Content-Type"), res.header.Get("Content-Disposition"))
	}
	recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	must(t, err)
	if len(recs) != 61 || strings.Join(recs[0][:8], ",") != "time,device,seq,role,allowed,reason,product,fare_kopecks" {
		t.Fatalf("%d records, header %q", len(recs), recs[0])
	}
	if recs[1][0] != "2026-11-21T10:30:00+02:00" || recs[1][2] != "1" || recs[60][2] != "60" {
		t.Errorf("first and last rows: %q, %q", recs[1], recs[60])
	}
	if r := recs[4]; r[5] != `'=HYPERLINK("http://evil.example")` || r[6] != "'@SUM(A1)" {
		t.Errorf("the hostile row is not defused: %q", r)
	}
	if res := b.get("/taps.csv?role=tram"); res.code != http.StatusBadRequest {
		t.Errorf("bad filter in CSV: %d", res.code)
	}
}

// TestReports: the rides and meals reports and their CSV read the
// store's aggregates; a bad period is a 400 that says why.
func TestReports(t *testing.T) {
	u := newUI(t)
	u.seed()
	b := u.loggedIn(store.RoleViewer)
	res := b.get("/reports/meals.csv?from=2026-11-20&to=2026-11-21")
	recs, err := csv.NewReader(strings.NewReader(res.body)).ReadAll()
	must(t, err)
	total := 0
	for _, r := range recs[1:] {
		var n int
		fmt.Sscan(r[4], &n)
		total += n
	}
	if res.code != 200 || strings.Join(recs[0], ",") != "day,school,category,meal,meals" || total != 45 {
		t.Errorf("meals.csv: %d, header %q, %d meals (want 45 allowed):\n%s", res.code, recs[0], total, res.body)
	}
	res = b.get("/reports/rides.csv?from=2026-11&to=2026-11")
	recs, err = csv.NewReader(strings.NewReader(res.body)).ReadAll()
	must(t, err)
	if res.code != 200 || strings.Join(recs[0], ",") != "month,route,category,rides,fare_kopecks" || len(recs) < 2 || recs[1][0] != "2026-11" || recs[1][1] != "112" {
		t.Errorf("rides.csv: %d\n%s", res.code, res.body)
	}
	for _, q := range []string{"/reports/rides?from=2026-13&to=2026-11", "/reports/rides?from=2026-11&to=2026-10",
		"/reports/meals?from=2026-11-01&to=2030-01-01", "/reports/meals?from=monday", "/reports/meals.csv?from=x"} {
		if res := b.get(q); res.code != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", q, res.code)
		}
	}
	if res := b.get("/reports/rides"); res.code != 200 || !strings.Contains(res.body, `value="2026-11"`) {
		t.Errorf("rides without a period: %d, want this month", res.code)
	}
}

// TestDeviceCommand: a technician's command is signed and stored and the
// page says so; a kind the UI does not send, or an unknown device, is
// refused with a message; without a signing key sending is off.
func TestDeviceCommand(t *testing.T) {
	u := newUI(t)
	b := u.loggedIn(store.RoleTechnician)
	res := b.postForm("/devices/bus-1", "/devices/bus-1/command", url.Values{"kind": {"selftest"}})
	if res.code != http.StatusSeeOther || res.location != "/devices/bus-1?sent=selftest" {
		t.Fatalf("command: %d to %q\n%s", res.code, res.location, res.body)
	}
	page := b.get(res.location)
	if !strings.Contains(page.body, `class="flash"`) || !strings.Contains(page.body, "самопроверка") {
		t.Errorf("no .flash after sending")
	}
	cs, err := u.st.Commands(context.Background(), "bus-1", 0)
	if err != nil || len(cs) != 1 || cs[0].Kind != "selftest" || !cs[0].Expires.Equal(t0.Add(10*time.Minute)) {
		t.Errorf("stored commands: %+v, %v", cs, err)
	}
	for _, tt := range []struct {
		path, kind string
		code       int
	}{{"/devices/bus-1/command", "diagnostics", 400}, {"/devices/bus-9/command", "resync", 404}} {
		if res := b.postForm("/devices/bus-1", tt.path, url.Values{"kind": {tt.kind}}); res.code != tt.code {
			t.Errorf("%s %s: %d, want %d", tt.path, tt.kind, res.code, tt.code)
		}
	}
	off := newUI(t, func(o *web.Options) { o.Commands = nil }).loggedIn(store.RoleAdmin)
	if page := off.get("/devices/bus-1"); strings.Contains(page.body, `id="send-command"`) || !strings.Contains(page.body, "--signing-key") {
		t.Error("without a signing key the device page still offers commands")
	}
	if page := u.loggedIn(store.RoleViewer).get("/devices/bus-1"); strings.Contains(page.body, `id="send-command"`) {
		t.Error("a viewer sees form#send-command")
	}
}

// TestUsersPage: an admin adds users and disables them; bad input is
// refused with a message and the password is never shown.
func TestUsersPage(t *testing.T) {
	u := newUI(t)
	b := u.loggedIn(store.RoleAdmin)
	for _, tt := range []struct {
		form url.Values
		code int
		msg  string
	}{
		{url.Values{"name": {"anna"}, "password": {"short"}, "role": {"viewer"}}, 400, "10"},
		{url.Values{"name": {"an na"}, "password": {"long enough pw"}, "role": {"viewer"}}, 400, "1–64"},
		{url.Values{"name": {"anna"}, "password": {"long enough pw"}, "role": {"root"}}, 400, `class="error"`},
		{url.Values{"name": {"viewer"}, "password": {"long enough pw"}, "role": {"viewer"}}, 400, `class="error"`},
		{url.Values{"name": {"anna"}, "password": {"long enough pw"}, "role": {"technician"}}, 303, ""},
	} {
		res := b.postForm("/users", "/users", tt.form)
		if res.code != tt.code || !strings.Contains(res.body, tt.msg) || strings.Contains(res.body, tt.form.Get("password")) {
			t.Errorf("add %v: %d, want %d with %q\n%s", tt.form, res.code, tt.code, tt.msg, res.body)
		}
	}
	if res := u.browser().login("anna", "long enough pw"); res.code != http.StatusSeeOther {
		t.Errorf("anna cannot log in: %d", res.code)
	}
	if res := b.postForm("/users", "/users/anna/disable", nil); res.code != http.StatusSeeOther {
		t.Errorf("disable anna: %d", res.code)
	}
	if page := b.get("/users?changed=anna&action=disable"); !strings.Contains(page.body, `class="flash"`) {
		t.Error("no .flash after disabling")
	}
	if res := u.browser().login("anna", "long enough pw"); res.code != http.StatusUnauthorized {
		t.Errorf("disabled anna logs in: %d", res.code)
	}
	for _, action := range []string{"disable", "role"} {
		if res := b.postForm("/users", "/users/admin/"+action, url.Values{"role": {"viewer"}}); res.code != http.StatusBadRequest {
			t.Errorf("an admin's %s of itself: %d", action, res.code)
		}
	}
	if res := b.postForm("/users", "/users/viewer/role", url.Values{"role": {"technician"}}); res.code != http.StatusSeeOther ||
		!strings.Contains(b.get(res.location).body, `class="flash"`) {
		t.Errorf("viewer made technician: %d", res.code)
	}
	if usr, err := u.st.User(context.Background(), "viewer"); err != nil || usr.Role != store.RoleTechnician {
		t.Errorf("viewer's role: %+v, %v", usr, err)
	}
	if res := b.postForm("/users", "/users/viewer/role", url.Values{"role": {"root"}}); res.code != http.StatusBadRequest {
		t.Errorf("role root: %d", res.code)
	}
	if res := b.postForm("/users", "/users/nobody/enable", nil); res.code != http.StatusNotFound {
		t.Errorf("enable nobody: %d", res.code)
	}
	if bytes.Contains(u.dbBytes(), []byte("long enough pw")) || strings.Contains(u.log.String(), "long enough pw") {
		t.Error("a password is in the database or the log")
	}
}

func hasCyrillic(s string) bool { return firstCyrillic(s) != "" }

func firstCyrillic(s string) string {
	for i, r := range s {
		if r >= 'Ѐ' && r <= 'ӿ' {
			return s[max(0, i-40):min(len(s), i+40)]
		}
	}
	return ""
}

// countingStore counts the chart's queries.
type countingStore struct {
	*store.Store
	n atomic.Int32
}

func (c *countingStore) TapsPerHour(ctx context.Context, from, to time.Time) ([]store.HourCount, error) {
	c.n.Add(1)
	return c.Store.TapsPerHour(ctx, from, to)
}

// TestOverviewChartCached: overviews within a minute share one count of
// the day's taps; a minute later, or in the next hour, it is counted
// again.
func TestOverviewChartCached(t *testing.T) {
	var cs *countingStore
	u := newUI(t, func(o *web.Options) {
		cs = &countingStore{Store: o.Store.(*store.Store)}
		o.Store = cs
	})
	u.seed()
	b := u.loggedIn(store.RoleViewer)
	for range 3 {
		if res := b.get("/"); res.code != 200 || count(res.body, "<rect ") < 10 {
			t.Fatalf("overview: %d, %d rects", res.code, count(res.body, "<rect "))
		}
	}
	u.advance(59 * time.Second)
	b.get("/")
	if n := cs.n.Load(); n != 1 {
		t.Errorf("%d counts for 4 overviews within a minute, want 1", n)
	}
	u.advance(2 * time.Second)
	b.get("/")
	if n := cs.n.Load(); n != 2 {
		t.Errorf("%d counts after a minute, want 2", n)
	}
}

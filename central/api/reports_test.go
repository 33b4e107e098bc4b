package api_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/central/api"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/offlinetest"
	"karta/offline/token"
)

var kaliningrad = time.FixedZone("Europe/Kaliningrad", 2*3600)

// regional is the API as the regional system sees it: reports, export and
// registry upload over a store with a month of rides and meals.
type regional struct {
	srv *httptest.Server
	st  *store.Store
	log *bytes.Buffer
	key *token.Key
}

const bearer = "s3cret"

func newRegional(t testing.TB, st *store.Store, withKey bool, o api.Options) *regional {
	t.Helper()
	ctx := context.Background()
	for _, d := range []store.Device{{ID: "bus-1", Role: "bus", Route: "12"}, {ID: "canteen-1", Role: "canteen", School: "=school-39"}} {
		if err := st.PutDevice(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.PutEntitlements(ctx, []*offline.Entry{
		{Token: offlinetest.Token(1), Category: "pensioner", Bus: &offline.BusRight{Discount: 100}},
		{Token: offlinetest.Token(2), Category: "schoolchild", Meals: &offline.MealRight{School: "school-39"}},
	}); err != nil {
		t.Fatal(err)
	}
	var bs []store.DeviceBatch
	for i, tp := range []struct {
		dev, at, product string
		card, fare       int
	}{
		{"bus-1", "2026-10-31 23:59", "bus:free", 1, 0},
		{"bus-1", "2026-11-01 00:00", "bus:free", 1, 0},
		{"bus-1", "2026-11-02 08:00", "bus:discount-50", 2, 1500},
		{"bus-1", "2026-11-02 08:05", "bus:full", 2, 3000},
		{"canteen-1", "2026-11-05 12:00", "meal:lunch", 2, 0},
		{"canteen-1", "2026-11-05 23:59", "meal:breakfast", 2, 0},
		{"canteen-1", "2026-11-06 00:00", "meal:lunch", 1, 0},
	} {
		at, _ := time.ParseInLocation("2006-01-02 15:04", tp.at, kaliningrad)
		tap := storetest.Tap(uint64(i+1), tp.card)
		tap.Time, tap.Product, tap.Fare = at, tp.product, tp.fare
		if i == 3 {
			tap.Reason = "@SUM(A1)" // a device's own word, armed as a formula
		}
		bs = append(bs, store.DeviceBatch{Device: tp.dev, Received: at, Taps: []offline.Tap{tap}})
	}
	if _, err := st.SaveTaps(ctx, bs); err != nil {
		t.Fatal(err)
	}
	r := &regional{st: st, log: &bytes.Buffer{}}
	if withKey {
		k, err := token.NewKey("k1", []byte("api-test-token-key-0123456789abc"))
		if err != nil {
			t.Fatal(err)
		}
		r.key, o.TokenKey = k, k
	}
	o.Store, o.Reports, o.Token = st, st, bearer
	o.Log = slog.New(slog.NewTextHandler(r.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	r.srv = httptest.NewServer(api.Handler(o))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *regional) do(t *testing.T, method, path, contentType, accept string, body []byte) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, r.srv.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(b), res.Header
}

func TestReports(t *testing.T) {
	cases := []struct {
		path, accept string
		code         int
		want         []string // substrings of the body
	}{
		{"/api/v1/reports/rides?from=2026-11&to=2026-11", "", 200, []string{
			`"from":"2026-11","to":"2026-11","zone":"Europe/Kaliningrad"`,
			`{"month":"2026-11","route":"12","category":"pensioner","rides":1,"fare":0}`,
			`{"month":"2026-11","route":"12","category":"schoolchild","rides":1,"fare":1500}`}},
		{"/api/v1/reports/rides?from=2026-10&to=2026-11", "", 200, []string{
			`{"month":"2026-10","route":"12","category":"pensioner","rides":1,"fare":0}`,
			`{"month":"2026-11","route":"12","category":"pensioner","rides":1,"fare":0}`}},
		{"/api/v1/reports/rides?from=2027-01&to=2027-02", "", 200, []string{`"rows":[]`}},
		{"/api/v1/reports/rides?from=2026-11&to=2026-11&format=csv", "", 200, []string{
			"month,route,category,rides,fare\n2026-11,12,pensioner,1,0\n2026-11,12,schoolchild,1,1500\n"}},
		{"/api/v1/reports/rides?from=2026-11&to=2026-11", "text/csv", 200, []string{"month,route,category,rides,fare\n"}},
		{"/api/v1/reports/meals?from=2026-11-05&to=2026-11-05", "", 200, []string{
			`{"day":"2026-11-05","school":"=school-39","category":"schoolchild","meal":"breakfast","meals":1}`,
			`{"day":"2026-11-05","school":"=school-39","category":"schoolchild","meal":"lunch","meals":1}`}},
		{"/api/v1/reports/meals?from=2026-11-05&to=2026-11-06&format=csv", "", 200, []string{
			"day,school,category,meal,meals\n2026-11-05,'=school-39,schoolchild,breakfast,1\n2026-11-05,'=school-39,schoolchild,lunch,1\n" +
				"2026-11-06,'=school-39,pensioner,lunch,1\n"}},
		{"/api/v1/reports/rides", "", 400, []string{`from is required (YYYY-MM)`}},
		{"/api/v1/reports/rides?from=2026-11", "", 400, []string{`to is required`}},
		{"/api/v1/reports/rides?from=2026-11-01&to=2026-11", "", 400, []string{`from=\"2026-11-01\": want YYYY-MM`}},
		{"/api/v1/reports/rides?from=2026-13&to=2026-11", "", 400, []string{`want YYYY-MM`}},
		{"/api/v1/reports/rides?from=2026-12&to=2026-11", "", 400, []string{`before from`}},
		{"/api/v1/reports/rides?from=2000-01&to=2026-11", "", 400, []string{`at most 120 months`}},
		{"/api/v1/reports/rides?from=2026-11&to=2026-11&format=xml", "", 400, []string{`json or csv`}},
		{"/api/v1/reports/rides?from=2026-11&to=2026-11&route=12", "", 400, []string{`unknown parameter`}},
		{"/api/v1/reports/meals?from=2026-11&to=2026-11", "", 400, []string{`want YYYY-MM-DD`}},
		{"/api/v1/reports/meals?from=2026-01-01&to=2027-01-02", "", 400, []string{`at most 366 days`}},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRegional(t, st, false, api.Options{})
		for _, c := range cases {
			code, body, h := r.do(t, "GET", c.path, "", c.accept, nil)
			if code != c.code {
				t.Errorf("GET %s: %d, want %d: %s", c.path, code, c.code, body)
				continue
			}
			for _, w := range c.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %s:\n%s", c.path, w, body)
				}
			}
			if strings.Contains(body, "month,") && !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
				t.Errorf("GET %s: Content-Type %s", c.path, h.Get("Content-Type"))
			}
		}
	})
}

func TestTapExport(t *testing.T) {
	const nov = "from=2026-10-31T00:00:00Z&to=2026-12-01T00:00:00Z"
	cases := []struct {
		query string
		code  int
		taps  []string // device/seq in order
		want  string   // a substring of the body
	}{
		{nov, 200, []string{"bus-1/1", "bus-1/2", "bus-1/3", "bus-1/4", "canteen-1/5", "canteen-1/6", "canteen-1/7"}, ""},
		{nov + "&device=canteen-1", 200, []string{"canteen-1/5", "canteen-1/6", "canteen-1/7"}, ""},
		{nov + "&route=12&allowed=true", 200, []string{"bus-1/1", "bus-1/2", "bus-1/3", "bus-1/4"}, ""},
		{nov + "&school==school-39&reason=privileged", 200, []string{"canteen-1/5", "canteen-1/6", "canteen-1/7"}, ""},
		{"from=2026-11-05T10:00:00Z&to=2026-11-05T22:00:00Z", 200, []string{"canteen-1/5", "canteen-1/6"}, ""},
		{"from=2027-01-01T00:00:00Z&to=2027-02-01T00:00:00Z", 200, nil, ""},
		{"", 400, nil, "needs from and to"},
		{"from=2026-11-01T00:00:00Z", 400, nil, "needs from and to"},
		{nov + "&limit=10", 400, nil, "no pages"},
		{nov + "&offset=10", 400, nil, "no pages"},
		{nov + "&allowed=perhaps", 400, nil, "allowed"},
		{"from=2026-11-01&to=2026-12-01", 400, nil, "parsing time"},
		{nov + "&format=xml", 400, nil, "json or csv"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRegional(t, st, false, api.Options{})
		for _, c := range cases {
			code, body, h := r.do(t, "GET", "/api/v1/taps/export?"+c.query, "", "", nil)
			if code != c.code || !strings.Contains(body, c.want) {
				t.Errorf("export ?%s: %d, want %d with %q: %s", c.query, code, c.code, c.want, body)
				continue
			}
			if code != 200 {
				continue
			}
			if ct := h.Get("Content-Type"); ct != "application/x-ndjson" {
				t.Errorf("export ?%s: Content-Type %s", c.query, ct)
			}
			var got []string
			dec := json.NewDecoder(strings.NewReader(body))
			for dec.More() {
				var tap struct {
					Device string `json:"device"`
					Seq    int    `json:"seq"`
				}
				if err := dec.Decode(&tap); err != nil {
					t.Fatalf("export ?%s: %v", c.query, err)
				}
				got = append(got, tap.Device+"/"+strconv.Itoa(tap.Seq))
			}
			if strings.Join(got, " ") != strings.Join(c.taps, " ") {
				t.Errorf("export ?%s: %v, want %v", c.query, got, c.taps)
			}
		}
	})
}

func TestTapExportCSV(t *testing.T) {
	r := newRegional(t, storetest.Open(t, storetest.DSN(t, "sqlite")), false, api.Options{})
	code, body, h := r.do(t, "GET", "/api/v1/taps/export?from=2026-10-31T00:00:00Z&to=2026-12-01T00:00:00Z&format=csv", "", "", nil)
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") || !strings.Contains(h.Get("Content-Disposition"), "attachment") {
		t.Fatalf("%d %v: %s", code, h, body)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 8 || rows[0][0] != "device" {
		t.Fatalf("csv: %v, %d rows: %s", err, len(rows), body)
	}
	if rows[4][12] != "'@SUM(A1)" {
		t.Errorf("the armed reason came out as %q, want it defused", rows[4][12])
	}
	code, body, _ = r.do(t, "GET", "/api/v1/taps/export?from=2027-10-31T00:00:00Z&to=2027-12-01T00:00:00Z&format=csv", "", "", nil)
	if code != 200 || body != strings.Join([]string{"device", "seq", "boot", "time", "received", "clock", "reader", "role", "token",
		"par_token", "scheme", "allowed", "reason", "product", "fare", "list", "list_version", "flags", "latency_us"}, ",")+"\n" {
		t.Errorf("an empty export: %d %q, want the header row alone", code, body)
	}
}

// TestTapExportManyPages exports more taps than the store reads in one
// page and checks every one comes, once.
func TestTapExportManyPages(t *testing.T) {
	st := storetest.Open(t, storetest.DSN(t, "sqlite"))
	r := newRegional(t, st, false, api.Options{})
	recv := storetest.T0
	if _, err := st.SaveTaps(context.Background(), []store.DeviceBatch{storetest.Batch("bus-7", 1, 4500, recv), storetest.Batch("bus-8", 1, 4500, recv)}); err != nil {
		t.Fatal(err)
	}
	code, body, _ := r.do(t, "GET", "/api/v1/taps/export?from=2026-11-21T00:00:00Z&to=2026-11-22T00:00:00Z", "", "", nil)
	if n := strings.Count(body, "\n"); code != 200 || n != 9000 {
		t.Fatalf("%d, %d lines, want 9000", code, n)
	}
	seen := map[string]bool{}
	for line := range strings.Lines(body) {
		var tap struct {
			Device string `json:"device"`
			Seq    int    `json:"seq"`
		}
		if err := json.Unmarshal([]byte(line), &tap); err != nil {
			t.Fatal(err)
		}
		k := tap.Device + "/" + strconv.Itoa(tap.Seq)
		if seen[k] {
			t.Fatalf("%s twice", k)
		}
		seen[k] = true
	}
}

func TestReportEndpointsNeedTheBearer(t *testing.T) {
	r := newRegional(t, storetest.Open(t, storetest.DSN(t, "sqlite")), true, api.Options{})
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/v1/reports/rides?from=2026-11&to=2026-11"},
		{"GET", "/api/v1/reports/meals?from=2026-11-05&to=2026-11-05"},
		{"GET", "/api/v1/taps/export?from=2026-10-31T00:00:00Z&to=2026-12-01T00:00:00Z"},
		{"POST", "/api/v1/registry"},
	} {
		req, _ := http.NewRequest(c.method, r.srv.URL+c.path, strings.NewReader("token,category\n"))
		req.Header.Set("Content-Type", "text/csv")
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s %s without the bearer: %d, want 401", c.method, c.path, res.StatusCode)
		}
	}
}

func TestNoReportStoreNoEndpoints(t *testing.T) {
	srv := serve(t, storetest.Open(t, storetest.DSN(t, "sqlite")), "")
	if code, _, _ := get(t, srv.URL+"/api/v1/reports/rides?from=2026-11&to=2026-11", ""); code != 404 {
		t.Errorf("rides report without Options.Reports: %d, want 404", code)
	}
}

package api_test

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"karta/central/api"
	"karta/central/ingest"
	"karta/central/store"
	"karta/central/store/storetest"
	tapsync "karta/sync"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// serve is the API over a store holding 30 taps of bus-0001 and 10 of
// bus-0002 (one denied), one device status and an alert.
func serve(t *testing.T, st *store.Store, token string) *httptest.Server {
	t.Helper()
	ctx := context.Background()
	recv := storetest.T0.Add(time.Hour)
	b2 := storetest.Batch("bus-0002", 1, 10, recv)
	b2.Taps[4].Allowed, b2.Taps[4].Reason = false, "=HYPERLINK(\"x\")"
	if _, err := st.SaveTaps(ctx, []store.DeviceBatch{storetest.Batch("bus-0001", 1, 30, recv), b2}); err != nil {
		t.Fatal(err)
	}
	if err := st.UpdateStatus(ctx, tapsync.Status{V: 1, Device: "bus-0001", Online: true, Role: "bus", Time: recv, Backlog: 3}, recv); err != nil {
		t.Fatal(err)
	}
	if _, err := st.AddAlert(ctx, store.Alert{Kind: store.AlertSeqGap, Device: "bus-0002", Detail: "seq 4 after 1"}); err != nil {
		t.Fatal(err)
	}
	h := api.Handler(api.Options{Store: st, Token: token, Log: quiet,
		Ingest: func() ingest.Stats { return ingest.Stats{Stored: 40, Dropped: 2, Refused: 1} }})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url, token string) (int, string, http.Header) {
	t.Helper()
	return do(t, "GET", url, token, "")
}

func TestAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := serve(t, st, "")
		tests := []struct {
			path string
			code int
			want []string // substrings of the body
			n    int      // JSON array length, -1: not an array
		}{
			{"/healthz", 200, []string{`"status":"ok"`}, -1},
			{"/api/v1/devices", 200, []string{`"id":"bus-0001"`, `"online":true`, `"backlog":3`}, 1},
			{"/api/v1/devices/bus-0001", 200, []string{`"role":"bus"`}, -1},
			{"/api/v1/devices/bus-9999", 404, []string{`"error":"not found"`}, -1},
			{"/api/v1/taps", 200, []string{`"device":"bus-0001"`}, 40},
			{"/api/v1/taps?device=bus-0002", 200, []string{`"device":"bus-0002"`}, 10},
			{"/api/v1/taps?device=bus-0002&allowed=false", 200, []string{`"seq":5`}, 1},
			{"/api/v1/taps?limit=5&offset=5", 200, nil, 5},
			{"/api/v1/taps?from=2026-11-21T07:30:10Z&to=2026-11-21T07:30:20Z&device=bus-0001", 200, []string{`"seq":11`}, 10},
			{"/api/v1/taps?allowed=maybe", 400, []string{`allowed`}, -1},
			{"/api/v1/taps?from=yesterday", 400, []string{`from`}, -1},
			{"/api/v1/taps?limit=-1", 400, []string{`limit`}, -1},
			{"/api/v1/taps?evil=1", 400, []string{`unknown parameter`}, -1},
			{"/api/v1/alerts?open=1", 200, []string{`"kind":"seq_gap"`, `"device":"bus-0002"`}, 1},
			{"/api/v1/alerts?open=perhaps", 400, nil, -1},
			{"/api/v1/lists/bus-fleet", 200, nil, 0},
			{"/metrics", 200, []string{"karta_central_taps_stored_total 40", "karta_central_batches_dropped_total 2", "karta_central_batches_refused_total 1"}, -1},
		}
		for _, tt := range tests {
			code, body, _ := get(t, srv.URL+tt.path, "")
			if code != tt.code {
				t.Errorf("GET %s: %d, want %d: %s", tt.path, code, tt.code, body)
				continue
			}
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: body lacks %s: %s", tt.path, w, body)
				}
			}
			if tt.n >= 0 {
				var arr []json.RawMessage
				if err := json.Unmarshal([]byte(body), &arr); err != nil || len(arr) != tt.n {
					t.Errorf("GET %s: %d items (%v), want %d", tt.path, len(arr), err, tt.n)
				}
			}
		}
	})
}

func TestTapsCSV(t *testing.T) {
	srv := serve(t, storetest.Open(t, storetest.DSN(t, "sqlite")), "")
	code, body, h := get(t, srv.URL+"/api/v1/taps?device=bus-0002&format=csv", "")
	if code != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
		t.Fatalf("%d %s", code, h.Get("Content-Type"))
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) != 11 || rows[0][0] != "device" || rows[0][12] != "reason" {
		t.Fatalf("csv: %v, %d rows, header %v", err, len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		if r[0] != "bus-0002" || strings.HasPrefix(r[12], "=") {
			t.Errorf("row %v: another device's, or a formula left armed", r)
		}
	}
}

func TestToken(t *testing.T) {
	srv := serve(t, storetest.Open(t, storetest.DSN(t, "sqlite")), "s3cret")
	for _, tt := range []struct {
		path, token string
		code        int
	}{
		{"/healthz", "", 200}, // for load balancers and systemd
		{"/api/v1/devices", "", 401},
		{"/api/v1/devices", "wrong", 401},
		{"/api/v1/devices", "s3cret", 200},
		{"/metrics", "", 401},
		{"/metrics", "s3cret", 200},
	} {
		if code, body, _ := get(t, srv.URL+tt.path, tt.token); code != tt.code {
			t.Errorf("GET %s with %q: %d, want %d: %s", tt.path, tt.token, code, tt.code, body)
		}
	}
}

func TestHealthDatabaseGone(t *testing.T) {
	st, err := store.Open(context.Background(), storetest.DSN(t, "sqlite"))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(api.Handler(api.Options{Store: st, Log: quiet}))
	defer srv.Close()
	st.Close()
	if code, body, _ := get(t, srv.URL+"/healthz", ""); code != 503 {
		t.Errorf("health with the database closed: %d %s", code, body)
	}
}

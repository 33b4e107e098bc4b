package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"karta/central/api"
	"karta/central/store"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

// fleet is a Fleet over a map: a device is in service once seen.
type fleet struct {
	mu      sync.Mutex
	devices map[string]*fakeDevice
	snap    *bundle.Bundle // of bus-fleet
}

type fakeDevice struct {
	api.Registration
	seen, revoked bool
}

var _ api.Fleet = (*fleet)(nil)

func (f *fleet) Register(_ context.Context, r api.Registration) (api.Registered, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.devices[r.ID]
	switch {
	case ok && d.revoked:
		return api.Registered{}, fmt.Errorf("%w: %s", api.ErrDecommissioned, r.ID)
	case ok && d.seen && !r.Replace:
		return api.Registered{}, fmt.Errorf("%w: %s", api.ErrInService, r.ID)
	}
	f.devices[r.ID] = &fakeDevice{Registration: r, seen: ok && d.seen}
	return api.Registered{ID: r.ID, Role: r.Role, Route: r.Route, School: r.School,
		Lists: api.DeviceLists(r.Role, r.School), New: !ok, BrokerPassword: "pw-" + r.ID}, nil
}

func (f *fleet) Snapshot(_ context.Context, list string) (*bundle.Bundle, error) {
	if list != "bus-fleet" || f.snap == nil {
		return nil, fmt.Errorf("no snapshot of %s: %w", list, store.ErrNotFound)
	}
	return f.snap, nil
}

func (f *fleet) Decommission(_ context.Context, id string) (api.Decommissioned, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.devices[id]
	if !ok {
		return api.Decommissioned{}, fmt.Errorf("device %s: %w", id, store.ErrNotFound)
	}
	d.revoked = true
	return api.Decommissioned{ID: id, Revoked: true, Note: "dropped"}, nil
}

func signedSnapshot(t testing.TB) *bundle.Bundle {
	t.Helper()
	return bundletest.Snapshot(t, bundletest.Key(t), "bus-fleet", 3, bundletest.Entries(50), time.Now().Add(time.Hour))
}

func fleetServer(t *testing.T, token string) (*httptest.Server, *fleet) {
	t.Helper()
	f := &fleet{devices: map[string]*fakeDevice{"bus-0007": {Registration: api.Registration{ID: "bus-0007", Role: "bus", Route: "7"}, seen: true}},
		snap: signedSnapshot(t)}
	srv := httptest.NewServer(api.Handler(api.Options{Store: nilStore{}, Fleet: f, Token: token, Log: quiet}))
	t.Cleanup(srv.Close)
	return srv, f
}

// nilStore is a Store the device endpoints never read.
type nilStore struct{ api.Store }

func do(t *testing.T, method, url, token, body string) (int, string, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b), res.Header
}

func TestRegister(t *testing.T) {
	srv, _ := fleetServer(t, "")
	tests := []struct {
		name, body string
		code       int
		want       string
	}{
		{"new bus", `{"id":"bus-0042","role":"bus","route":"12"}`, 200, `"lists":["bus-fleet"],"new":true,"broker_password":"pw-bus-0042"`},
		{"again, never seen", `{"id":"bus-0042","role":"bus","route":"12"}`, 200, `"new":false`},
		{"turnstile", `{"id":"gate-1","role":"turnstile","school":"school-39"}`, 200, `"lists":["school-39"]`},
		{"canteen", `{"id":"till-1","role":"canteen","school":"school-39"}`, 200, `"role":"canteen"`},
		{"in service", `{"id":"bus-0007","role":"bus","route":"7"}`, 409, `in service`},
		{"replacing it", `{"id":"bus-0007","role":"bus","route":"7","replace":true}`, 200, `"id":"bus-0007"`},
		{"unknown role", `{"id":"x-1","role":"ferry","route":"1"}`, 400, `role \"ferry\"`},
		{"bus with a school", `{"id":"bus-1","role":"bus","route":"1","school":"school-39"}`, 400, `a bus has a route, not a school`},
		{"bus without route", `{"id":"bus-1","role":"bus"}`, 400, `a bus needs its route`},
		{"school device with a route", `{"id":"gate-2","role":"turnstile","school":"school-39","route":"5"}`, 400, `has a school, not a route`},
		{"school not a list name", `{"id":"gate-2","role":"turnstile","school":"School 39"}`, 400, `needs its school`},
		{"no school", `{"id":"gate-2","role":"canteen"}`, 400, `needs its school`},
		{"bad id", `{"id":"Bus_1","role":"bus","route":"1"}`, 400, `device id`},
		{"unknown field", `{"id":"bus-1","role":"bus","route":"1","pan":"2200"}`, 400, `unknown field`},
		{"two objects", `{"id":"bus-1","role":"bus","route":"1"}{}`, 400, `one JSON object`},
		{"not JSON", `id=bus-1`, 400, `registration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body, _ := do(t, "POST", srv.URL+"/api/v1/devices", "", tt.body)
			if code != tt.code || !strings.Contains(body, tt.want) {
				t.Errorf("%d %s, want %d with %s", code, body, tt.code, tt.want)
			}
		})
	}
}

func TestSnapshotEndpoint(t *testing.T) {
	srv, f := fleetServer(t, "")
	code, body, h := do(t, "GET", srv.URL+"/api/v1/lists/bus-fleet/snapshot", "", "")
	if code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	if h.Get("Content-Length") != strconv.Itoa(len(body)) || int64(len(body)) != api.BundleSize(f.snap) {
		t.Errorf("Content-Length %s, body %d bytes, bundle %d", h.Get("Content-Length"), len(body), api.BundleSize(f.snap))
	}
	var want bytes.Buffer
	f.snap.WriteTo(&want)
	if body != want.String() {
		t.Error("the body is not the bundle file")
	}
	if _, err := bundle.Read(strings.NewReader(body)); err != nil {
		t.Error(err)
	}
	for path, wantCode := range map[string]int{"/api/v1/lists/school-9/snapshot": 404, "/api/v1/lists/.hidden/snapshot": 400} {
		if code, body, _ := do(t, "GET", srv.URL+path, "", ""); code != wantCode {
			t.Errorf("GET %s: %d %s, want %d", path, code, body, wantCode)
		}
	}
}

func TestDecommissionEndpoint(t *testing.T) {
	srv, f := fleetServer(t, "")
	code, body, _ := do(t, "DELETE", srv.URL+"/api/v1/devices/bus-0007", "", "")
	if code != 200 || !strings.Contains(body, `"revoked":true`) || !f.devices["bus-0007"].revoked {
		t.Fatalf("%d %s", code, body)
	}
	if code, body, _ := do(t, "POST", srv.URL+"/api/v1/devices", "", `{"id":"bus-0007","role":"bus","route":"7","replace":true}`); code != 409 || !strings.Contains(body, "decommissioned") {
		t.Errorf("registering a decommissioned id: %d %s", code, body)
	}
	if code, body, _ := do(t, "DELETE", srv.URL+"/api/v1/devices/bus-9999", "", ""); code != 404 {
		t.Errorf("unknown device: %d %s", code, body)
	}
}

func TestFleetNeedsToken(t *testing.T) {
	srv, f := fleetServer(t, "s3cret")
	for _, r := range []struct{ method, path, body string }{
		{"POST", "/api/v1/devices", `{"id":"bus-1","role":"bus","route":"1"}`},
		{"DELETE", "/api/v1/devices/bus-0007", ""},
		{"GET", "/api/v1/lists/bus-fleet/snapshot", ""},
	} {
		if code, _, _ := do(t, r.method, srv.URL+r.path, "", r.body); code != 401 {
			t.Errorf("%s %s without the token: %d", r.method, r.path, code)
		}
		if code, body, _ := do(t, r.method, srv.URL+r.path, "s3cret", r.body); code != 200 {
			t.Errorf("%s %s with the token: %d %s", r.method, r.path, code, body)
		}
	}
	if _, ok := f.devices["bus-1"]; !ok {
		t.Error("the registration with the token did not reach the fleet")
	}
}

func TestNoFleetNoEndpoints(t *testing.T) {
	srv := httptest.NewServer(api.Handler(api.Options{Store: nilStore{}, Log: quiet}))
	defer srv.Close()
	if code, _, _ := do(t, "POST", srv.URL+"/api/v1/devices", "", `{}`); code != 405 && code != 404 {
		t.Errorf("POST /api/v1/devices without a Fleet: %d", code)
	}
}

func TestRegistrationCheck(t *testing.T) {
	long := strings.Repeat("7", 65)
	for _, tt := range []struct {
		r  api.Registration
		ok bool
	}{
		{api.Registration{ID: "bus-1", Role: "bus", Route: "12A"}, true},
		{api.Registration{ID: "bus-1", Role: "bus", Route: long}, false},
		{api.Registration{ID: "bus-1", Role: "bus", Route: "1\n2"}, false},
		{api.Registration{ID: "", Role: "bus", Route: "1"}, false},
		{api.Registration{ID: "c-1", Role: "canteen", School: "school-39"}, true},
	} {
		if err := tt.r.Check(); (err == nil) != tt.ok || err != nil && !errors.Is(err, store.ErrInvalid) {
			t.Errorf("%+v: %v, want ok=%v", tt.r, err, tt.ok)
		}
	}
}

// FuzzRegister: whatever the body, the answer is 200, 400 or 409 with a
// JSON body, and what reaches the fleet passed Check.
func FuzzRegister(f *testing.F) {
	for _, s := range []string{`{"id":"bus-1","role":"bus","route":"1"}`, `{"id":"g-1","role":"turnstile","school":"s"}`,
		`{"id":"bus-0007","role":"bus","route":"7","replace":true}`, `{"id":"x"}`, `[]`, `{"id":"a","role":"bus","route":"\u0000"}`} {
		f.Add(s)
	}
	fl := &fleet{devices: map[string]*fakeDevice{"bus-0007": {seen: true}}}
	h := api.Handler(api.Options{Store: nilStore{}, Fleet: fl, Log: quiet})
	f.Fuzz(func(t *testing.T, body string) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("POST", "/api/v1/devices", strings.NewReader(body)))
		if c := rec.Code; c != 200 && c != 400 && c != 409 {
			t.Fatalf("%q: %d", body, c)
		}
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%q: answer not JSON: %s", body, rec.Body)
		}
		if rec.Code == 200 {
			var got api.Registered
			json.Unmarshal(rec.Body.Bytes(), &got)
			fl.mu.Lock()
			d := fl.devices[got.ID]
			fl.mu.Unlock()
			if d == nil || d.Check() != nil {
				t.Fatalf("%q: registered %+v", body, d)
			}
		}
	})
}

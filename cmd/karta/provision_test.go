package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"karta/agent"
	"karta/central/api"
	"karta/central/pki"
	"karta/central/store"
	"karta/internal/systemtest"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	"karta/offline/token"
)

func TestProvisionFlags(t *testing.T) {
	base := []string{"--central", "http://127.0.0.1:8080", "--dir", "d", "--broker", "tcp://c:1883", "--template", "t.toml",
		"--token-key", "tk", "--list-key", "lk"}
	tests := []struct {
		name string
		args []string
		want string // "" for no error
	}{
		{"bus", []string{"--id", "bus-1", "--role", "bus", "--route", "12"}, ""},
		{"turnstile", []string{"--id", "gate-1", "--role", "turnstile", "--school", "school-39"}, ""},
		{"replacement takes the old id", []string{"--role", "bus", "--route", "12", "--replace-from", "old"}, ""},
		{"unknown role", []string{"--id", "x-1", "--role", "ferry", "--route", "1"}, `role "ferry"`},
		{"no role", []string{"--id", "x-1"}, `role ""`},
		{"bus with a school", []string{"--id", "bus-1", "--role", "bus", "--route", "1", "--school", "school-39"}, "a bus has a route, not a school"},
		{"bus without a route", []string{"--id", "bus-1", "--role", "bus"}, "a bus needs its route"},
		{"canteen with a route", []string{"--id", "c-1", "--role", "canteen", "--school", "school-39", "--route", "4"}, "has a school, not a route"},
		{"turnstile without a school", []string{"--id", "g-1", "--role", "turnstile"}, "needs its school"},
		{"bad id", []string{"--id", "Bus 1", "--role", "bus", "--route", "1"}, "device id"},
		{"no id", []string{"--role", "bus", "--route", "1"}, "device id"},
		{"bad test tap", []string{"--id", "bus-1", "--role", "bus", "--route", "1", "--test-tap", "nfc"}, "--test-tap is sim, reader or none"},
		{"replace into itself", []string{"--id", "bus-1", "--role", "bus", "--route", "1", "--replace-from", "d/"}, "not --dir"},
		{"bad broker", []string{"--id", "bus-1", "--role", "bus", "--route", "1", "--broker", "mqtt://x"}, "--broker is a tcp:// or ssl://"},
		{"bad central", []string{"--id", "bus-1", "--role", "bus", "--route", "1", "--central", "central:8080"}, "--central is an http://"},
		{"stray argument", []string{"--id", "bus-1", "--role", "bus", "--route", "1", "extra"}, "unexpected arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseProvision(append(append([]string{}, base...), tt.args...), &bytes.Buffer{})
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("%v, want %q", err, tt.want)
			}
		})
	}
	var stderr bytes.Buffer
	if code := run(context.Background(), []string{"provision", "--id", "bus-1"}, &bytes.Buffer{}, &stderr); code != 2 || !strings.Contains(stderr.String(), "usage: karta provision") {
		t.Errorf("exit %d, %s", code, &stderr)
	}
}

// fakeCentral is central's API over a fleet in memory, serving snap as
// every list's snapshot.
type fakeCentral struct {
	mu         sync.Mutex
	regs       []api.Registration
	snap       *bundle.Bundle
	noPassword bool // an external broker: devices need certificates
}

func (f *fakeCentral) Register(_ context.Context, r api.Registration) (api.Registered, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.regs = append(f.regs, r)
	out := api.Registered{ID: r.ID, Role: r.Role, Route: r.Route, School: r.School, Lists: api.DeviceLists(r.Role, r.School),
		New: len(f.regs) == 1, BrokerPassword: "pw"}
	if f.noPassword {
		out.BrokerPassword = ""
	}
	return out, nil
}

func (f *fakeCentral) Snapshot(_ context.Context, list string) (*bundle.Bundle, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if list != "bus-fleet" {
		return nil, store.ErrNotFound
	}
	return f.snap, nil
}

func (f *fakeCentral) Decommission(_ context.Context, id string) (api.Decommissioned, error) {
	return api.Decommissioned{ID: id, Revoked: true}, nil
}

func (f *fakeCentral) set(b *bundle.Bundle) { f.mu.Lock(); f.snap = b; f.mu.Unlock() }

// depot is what a technician holds: keys, a template, a central.
type depot struct {
	dir, tokenKey, listKey, template string
	key                              *bundle.SigningKey
}

func newDepot(t *testing.T) *depot {
	t.Helper()
	d := &depot{dir: t.TempDir(), key: bundletest.NewKey(t, "k1")}
	d.tokenKey, d.listKey, d.template = filepath.Join(d.dir, "token.key"), filepath.Join(d.dir, "list-public-k1.pub"), filepath.Join(d.dir, "bus.toml")
	tk, err := token.Generate("t1", rand.Reader)
	must(t, err)
	must(t, token.SaveKey(d.tokenKey, tk))
	must(t, bundle.SavePublicKey(d.listKey, d.key.Public()))
	must(t, os.WriteFile(d.template, []byte(busTemplate(3)), 0o640))
	return d
}

// busTemplate is a bus validator model with a virtual reader that
// presents n cards, 20 ms apart.
func busTemplate(n int) string {
	return fmt.Sprintf(`clock = "trusted"
hardware = {driver = "none"}
[sync]
max_backoff = "2s"
[[readers]]
name = "front"
driver = "sim"
cards = ["mir-debit", "mir-credit", "visa-gpo-track2"]
every = "20ms"
count = %d
[rules]
role = "bus"
[rules.bus]
full_fare = 4200
`, n)
}

func (d *depot) args(central, dir, id string, more ...string) []string {
	return append([]string{"provision", "--central", central, "--id", id, "--role", "bus", "--route", "12", "--dir", dir,
		"--broker", "tcp://127.0.0.1:1", "--template", d.template, "--token-key", d.tokenKey, "--list-key", d.listKey}, more...)
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestProvisionRefusesTamperedList: a snapshot signed by another key of
// the same id is refused, nothing is installed, and the directory is
// gone, so that the re-run, once central serves the right list, succeeds.
func TestProvisionRefusesTamperedList(t *testing.T) {
	bins := systemtest.Build(t)
	d := newDepot(t)
	forged, err := bundle.GenerateSigningKey("k1", rand.Reader)
	must(t, err)
	good := bundletest.Snapshot(t, d.key, "bus-fleet", 2, bundletest.Entries(30), time.Now().Add(time.Hour))
	fc := &fakeCentral{snap: bundletest.Snapshot(t, forged, "bus-fleet", 2, bundletest.Entries(30), time.Now().Add(time.Hour))}
	srv := httptest.NewServer(api.Handler(api.Options{Store: nil, Fleet: fc, Log: quietLog()}))
	defer srv.Close()
	dir := filepath.Join(t.TempDir(), "bus-0042")
	args := d.args(srv.URL, dir, "bus-0042", "--agent-bin", bins.Path("karta-agent"), "--test-tap", "none")

	var out bytes.Buffer
	if code := run(context.Background(), args, &out, &out); code != 1 {
		t.Fatalf("exit %d:\n%s", code, &out)
	}
	for _, want := range []string{"✓ register", "✗ lists", "does not verify against the pinned key", "signature invalid", "removed: run the same command again"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Errorf("the directory is left after the failure: %v", err)
	}

	fc.set(good)
	out.Reset()
	if code := run(context.Background(), args, &out, &out); code != 0 {
		t.Fatalf("re-run: exit %d:\n%s", code, &out)
	}
	for _, want := range []string{"✓ lists     bus-fleet v2 (30 entries, signed by k1", "✓ selftest", "✓ test tap  skipped", "✓ done"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("re-run output lacks %q:\n%s", want, &out)
		}
	}
	checkModes(t, dir, map[string]os.FileMode{"token.key": 0o600, "mqtt.password": 0o600, "agent.toml": 0o640})
	if pw, _ := os.ReadFile(filepath.Join(dir, "mqtt.password")); string(pw) != "pw\n" {
		t.Errorf("mqtt.password %q", pw)
	}
}

func checkModes(t *testing.T, dir string, want map[string]os.FileMode) {
	t.Helper()
	for name, mode := range want {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: %v, %v; want mode %o", name, fi.Mode(), err, mode)
		}
	}
}

// TestProvisionRefusals: what is refused before anything is written or
// registered.
func TestProvisionRefusals(t *testing.T) {
	bins := systemtest.Build(t)
	d := newDepot(t)
	fc := &fakeCentral{snap: bundletest.Snapshot(t, d.key, "bus-fleet", 1, bundletest.Entries(3), time.Now().Add(time.Hour))}
	srv := httptest.NewServer(api.Handler(api.Options{Fleet: fc, Log: quietLog()}))
	defer srv.Close()

	nonEmpty := t.TempDir()
	must(t, os.WriteFile(filepath.Join(nonEmpty, "notes.txt"), []byte("x"), 0o600))
	canteen := filepath.Join(d.dir, "canteen.toml")
	must(t, os.WriteFile(canteen, []byte("[rules]\nrole = \"canteen\"\n"), 0o600))
	badRules := filepath.Join(d.dir, "nofare.toml")
	must(t, os.WriteFile(badRules, []byte("[[readers]]\nname = \"front\"\ndriver = \"sim\"\ncards = [\"mir-debit\"]\n"), 0o600))
	unfinished := t.TempDir()
	must(t, os.WriteFile(filepath.Join(unfinished, recordFile), []byte(`{"id":"bus-0001","role":"bus","started":"2026-12-01T10:00:00Z"}`), 0o600))
	finished := t.TempDir()
	must(t, os.WriteFile(filepath.Join(finished, recordFile), []byte(`{"id":"bus-0042","role":"bus","started":"2026-12-01T10:00:00Z","finished":"2026-12-01T10:05:00Z"}`), 0o600))
	agentBin := []string{"--agent-bin", bins.Path("karta-agent")}

	tests := []struct {
		name string
		args []string
		want string
	}{
		{"non-empty directory", d.args(srv.URL, nonEmpty, "bus-0042", agentBin...), "not empty and holds no provisioning"},
		{"another device's unfinished provisioning", d.args(srv.URL, unfinished, "bus-0042", agentBin...), "holds the unfinished provisioning of bus-0001: run again with --id bus-0001"},
		{"a finished device", d.args(srv.URL, finished, "bus-0042", agentBin...), "holds device bus-0042, provisioned"},
		{"template of another role", d.args(srv.URL, t.TempDir(), "bus-0042", append(agentBin, "--template", canteen)...), "is for a canteen, not a bus"},
		{"template without a fare", d.args(srv.URL, t.TempDir(), "bus-0042", append(agentBin, "--template", badRules)...), "bus.full_fare"},
		{"missing token key", d.args(srv.URL, t.TempDir(), "bus-0042", append(agentBin, "--token-key", "/nonexistent")...), "--token-key"},
		{"list key that is no key", d.args(srv.URL, t.TempDir(), "bus-0042", append(agentBin, "--list-key", d.tokenKey)...), "--list-key"},
		{"no agent", d.args(srv.URL, t.TempDir(), "bus-0042", "--agent-bin", "/nonexistent/karta-agent"), "--agent-bin"},
		{"no CA", d.args(srv.URL, t.TempDir(), "bus-0042", append(agentBin, "--ca-dir", t.TempDir())...), "--ca-dir"},
		{"old storage missing", d.args(srv.URL, t.TempDir(), "bus-0042", append(agentBin, "--replace-from", "/nonexistent")...), "--replace-from"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if code := run(context.Background(), tt.args, &out, &out); code != 1 || !strings.Contains(out.String(), tt.want) {
				t.Errorf("exit %d, want 1 with %q:\n%s", code, tt.want, &out)
			}
		})
	}
	if len(fc.regs) != 0 {
		t.Errorf("central got registrations: %+v", fc.regs)
	}
	if b, _ := os.ReadFile(filepath.Join(nonEmpty, "notes.txt")); string(b) != "x" {
		t.Error("the non-empty directory was touched")
	}
	if es, _ := os.ReadDir(nonEmpty); len(es) != 1 {
		t.Errorf("the non-empty directory got files: %v", es)
	}
}

// TestProvisionCertificate: on an external broker the device gets a key
// pair and a client certificate of its id from the fleet CA; without the
// CA provisioning stops at the identity and leaves nothing behind.
func TestProvisionCertificate(t *testing.T) {
	bins := systemtest.Build(t)
	d := newDepot(t)
	fc := &fakeCentral{noPassword: true, snap: bundletest.Snapshot(t, d.key, "bus-fleet", 1, bundletest.Entries(3), time.Now().Add(time.Hour))}
	srv := httptest.NewServer(api.Handler(api.Options{Fleet: fc, Log: quietLog()}))
	defer srv.Close()
	caDir := t.TempDir()
	ca, err := pki.NewCA("karta fleet CA", 10)
	must(t, err)
	must(t, ca.Save(caDir, "ca"))

	empty := t.TempDir() // an existing empty directory stays, emptied
	var out bytes.Buffer
	if code := run(context.Background(), d.args(srv.URL, empty, "bus-0042", "--agent-bin", bins.Path("karta-agent"), "--test-tap", "none"), &out, &out); code != 1 ||
		!strings.Contains(out.String(), "✗ identity  central runs an external broker (it gave no password): give --ca-dir") ||
		!strings.Contains(out.String(), "emptied") {
		t.Errorf("without a CA: exit %d\n%s", code, &out)
	}
	if es, err := os.ReadDir(empty); err != nil || len(es) != 0 {
		t.Errorf("left behind: %v, %v", es, err)
	}

	out.Reset()
	dir := filepath.Join(t.TempDir(), "bus-0042")
	if code := run(context.Background(), d.args(srv.URL, dir, "bus-0042", "--agent-bin", bins.Path("karta-agent"), "--test-tap", "none",
		"--ca-dir", caDir, "--broker", "ssl://broker:8883"), &out, &out); code != 0 {
		t.Fatalf("exit %d\n%s", code, &out)
	}
	if !strings.Contains(out.String(), "✓ identity  new key pair, certificate CN=bus-0042 from the fleet CA") {
		t.Errorf("output:\n%s", &out)
	}
	checkModes(t, dir, map[string]os.FileMode{"device.key": 0o600, "device.pem": 0o644, "ca.pem": 0o644})
	cert, err := pki.Load(dir, "device")
	must(t, err)
	if cert.Cert.Subject.CommonName != "bus-0042" || cert.Cert.CheckSignatureFrom(ca.Cert) != nil {
		t.Errorf("certificate %s, not of bus-0042 from the fleet CA", cert.Cert.Subject)
	}
	cfg, err := agent.LoadConfig(filepath.Join(dir, "agent.toml"))
	must(t, err)
	if s := cfg.Sync; s.Broker != "ssl://broker:8883" || s.Cert != filepath.Join(dir, "device.pem") || s.Key != filepath.Join(dir, "device.key") ||
		s.CA != filepath.Join(dir, "ca.pem") || s.PasswordFile != "" {
		t.Errorf("[sync] %+v", s)
	}
}

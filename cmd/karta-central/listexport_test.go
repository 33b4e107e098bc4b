package main

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/central/store/storetest"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

// TestListsExport: the exported file is the latest snapshot, signed by
// the key devices pin, for preloading a device.
func TestListsExport(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	key := signingKey(t)
	mustRun(t, "import", "--db", dsn, "--token-key", "testdata/token.key", "testdata/registry.csv")
	mustRun(t, "lists", "build", "--db", dsn, "--signing-key", key)
	mustRun(t, "import", "--db", dsn, "--partial", writeFile(t, "more.csv", "token,bus_discount\n"+bundletest.Token(3)+",100\n"))
	mustRun(t, "lists", "build", "--db", dsn, "--signing-key", key)

	path := filepath.Join(t.TempDir(), "bus-fleet.bundle")
	out, _ := mustRun(t, "lists", "export", "--db", dsn, "--list", "bus-fleet", "--out", path)
	if !strings.Contains(out, "list bus-fleet v2, 5 entries") {
		t.Errorf("export says:\n%s", out)
	}
	b, err := bundle.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ring := bundletest.Ring(t, bundletest.Key(t))
	v, err := bundle.Open(b, ring, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if m := v.Manifest(); m.Version != 2 || m.Base != 0 || m.Ops != 5 {
		t.Errorf("exported %s with %d ops, want the v2 snapshot of 5", m.Name(), m.Ops)
	}

	for _, tt := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"--db", dsn, "--list", "school-99", "--out", path}, 1, "no snapshot of list school-99"},
		{[]string{"--db", dsn, "--list", "bus-fleet"}, 2, "usage"},
	} {
		_, errOut, code := central(t, append([]string{"lists", "export"}, tt.args...)...)
		if code != tt.code || !strings.Contains(errOut, tt.want) {
			t.Errorf("export %v: exit %d, %s", tt.args, code, errOut)
		}
	}
}

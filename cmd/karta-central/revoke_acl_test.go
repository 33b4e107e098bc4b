package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/central/store"
	"karta/central/store/storetest"
)

// TestMosquittoConfDB: mosquitto-conf --db writes the devices in service
// and leaves the decommissioned out; --acl-only writes the ACL alone, and
// only when it changed; a SQLite registry that does not exist is refused,
// not made empty (an empty ACL would shut every device out).
func TestMosquittoConfDB(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	dsn := storetest.DSN(t, "sqlite")
	st := storetest.Open(t, dsn)
	for _, id := range []string{"bus-0001", "bus-0002"} {
		must(t, st.PutDevice(ctx, store.Device{ID: id, Role: "bus"}))
	}
	must(t, st.RevokeDevice(ctx, "bus-0002"))
	args := []string{"mosquitto-conf", "--db", dsn, "--dir", dir}
	mustRun(t, args...)
	acl, err := os.ReadFile(filepath.Join(dir, "karta.acl"))
	must(t, err)
	if !strings.Contains(string(acl), "user bus-0001\n") || strings.Contains(string(acl), "bus-0002") {
		t.Errorf("the ACL:\n%s", acl)
	}
	must(t, os.Remove(filepath.Join(dir, "mosquitto.conf")))
	if out, _ := mustRun(t, append(args, "--acl-only")...); !strings.Contains(out, "unchanged") {
		t.Errorf("nothing changed: %s", out)
	}
	must(t, st.PutDevice(ctx, store.Device{ID: "bus-0003", Role: "bus"}))
	if out, _ := mustRun(t, append(args, "--acl-only")...); !strings.HasPrefix(out, "wrote") {
		t.Errorf("a device registered: %s", out)
	}
	if _, err := os.Stat(filepath.Join(dir, "mosquitto.conf")); !os.IsNotExist(err) {
		t.Errorf("--acl-only wrote mosquitto.conf (%v)", err)
	}
	missing := filepath.Join(dir, "nonexistent.db")
	if _, stderr, code := central(t, "mosquitto-conf", "--db", missing, "--dir", dir, "--acl-only"); code != 1 || !strings.Contains(stderr, "makes none") {
		t.Errorf("a missing registry: exit %d, %s", code, stderr)
	}
	if _, err := os.Stat(missing); !os.IsNotExist(err) {
		t.Errorf("mosquitto-conf made %s", missing)
	}
}

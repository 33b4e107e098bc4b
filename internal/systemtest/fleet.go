package systemtest

import (
	"os"
	"path/filepath"
	"testing"
)

// Fleet is what the devices of a test share, made with the tools a depot
// uses: a token key, a list signing key pinned on every device, and the
// bus-fleet list (v1) built from karta-sim's registry of virtual cards.
type Fleet struct {
	bins                    Binaries
	dir                     string
	tokenKey, listPub, list string
}

// NewFleet provisions the keys and the signed list.
func NewFleet(t testing.TB, bins Binaries) *Fleet {
	t.Helper()
	f := &Fleet{bins: bins, dir: t.TempDir()}
	f.tokenKey = filepath.Join(f.dir, "token.key")
	f.listPub = filepath.Join(f.dir, "list-public-ft.pub")
	f.list = filepath.Join(f.dir, "bus-fleet-v1.bundle")
	registry := filepath.Join(f.dir, "registry.jsonl")
	karta, sim := bins.Path("karta"), bins.Path("karta-sim")
	run(t, f.dir, karta, "keys", "gen-token", "--id", "ft", "--out", f.tokenKey)
	run(t, f.dir, karta, "keys", "gen-signing", "--id", "ft", "--out", f.dir)
	run(t, f.dir, sim, "registry", "--token-key", f.tokenKey, "-o", registry)
	run(t, f.dir, karta, "list", "build", "--list", "bus-fleet", "--version", "1", "--in", registry,
		"--signing-key", filepath.Join(f.dir, "list-signing-ft.key"), "--expires", "720h", "--out", f.list)
	return f
}

// SyncOptions are a device's [sync] settings; a zero Broker: standalone.
type SyncOptions struct {
	Broker, Username, Password string
}

// Agent provisions a bus validator: its directory, the fleet's keys, the
// list in its inbox, its MQTT password. It is not started.
func (f *Fleet) Agent(t testing.TB, id string, sync SyncOptions) *Agent {
	t.Helper()
	a := newAgent(t, f.bins, id, sync)
	if err := os.MkdirAll(filepath.Join(a.dir, "data", "inbox"), 0o750); err != nil {
		t.Fatal(err)
	}
	list, err := os.ReadFile(f.list)
	if err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(a.dir, "data", "inbox", "bus-fleet-v1.bundle"), string(list), 0o640)
	writeFile(t, filepath.Join(a.dir, "mqtt.password"), sync.Password+"\n", 0o600)
	a.tokenKey, a.listPub = f.tokenKey, f.listPub
	return a
}

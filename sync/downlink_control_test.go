package sync_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"karta/agent"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

func config(version uint64, rules string) tapsync.Config {
	return tapsync.Config{V: tapsync.V, Device: device, Version: version, Issued: time.Now(), Rules: rules}
}

const nightRules = "role = \"bus\"\nlists = [\"bus-fleet\", \"bus-night\"]\n\n[bus]\nfull_fare = 5000\n"

// busDevice is a tap pipeline with the rules of a config file, and the
// config from central kept in dir.
func busDevice(t *testing.T, dir string) (*agent.Device, *agent.RemoteConfig) {
	t.Helper()
	e, err := agent.Rules{Role: agent.RoleBus, Lists: []string{"bus-fleet"}, Bus: agent.BusRules{FullFare: 4200}}.Compile()
	must(t, err)
	d := &agent.Device{Engine: e}
	return d, &agent.RemoteConfig{Path: filepath.Join(dir, "config.signed"), Device: d, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func withConfig(ad *agent.Device, rc *agent.RemoteConfig) devSetup {
	return func(l *tapsync.Link) {
		l.Down.Config = rc
		l.Down.Lists = func() []string { return ad.CurrentEngine().Lists() }
	}
}

// TestDownlinkConfig: a newer config's rules run at once and after a
// restart; the device follows the lists they consult; a config that does
// not compile, an older one, another device's and a forged one change
// nothing, and the refusal is in the status.
func TestDownlinkConfig(t *testing.T) {
	e := startHub(t)
	c := synctest.Attach(t, e.central)
	key := bundletest.Key(t)
	dir := t.TempDir()
	ad, rc := busDevice(t, dir)
	d := newDev(t, e, dir, nil, withConfig(ad, rc))

	e.publishSigned(t, key, tapsync.ConfigTopic(device), true, config(2, nightRules))
	c.WaitStatus(t, 10*time.Second, "config v2", func(st tapsync.Status) bool { return st.Config == 2 })
	if got := ad.CurrentEngine().Lists(); !slices.Equal(got, []string{"bus-fleet", "bus-night"}) {
		t.Fatalf("the rules consult %v after config v2", got)
	}
	night := snapshot(t, key, "bus-night", 1, 0, 40, 0, time.Now().Add(lifetime))
	e.lists.Chunks(night)
	e.lists.Offer("bus-night", night)
	d.waitVersion("bus-night", 1) // the device took the offer of the list the new rules consult

	e.publishSigned(t, key, tapsync.ConfigTopic(device), true, config(3, "role = \"tram\"\nlists = [\"bus-fleet\"]\n"))
	st := c.WaitStatus(t, 10*time.Second, "a config error", func(st tapsync.Status) bool { return st.ConfigError != "" })
	if !strings.Contains(st.ConfigError, "v3") || !strings.Contains(st.ConfigError, "tram") || st.Config != 2 || rc.Version() != 2 {
		t.Errorf("a config that does not compile: status %+v, running v%d", st, rc.Version())
	}
	refused := []struct {
		name   string
		key    string
		config tapsync.Config
		reason string
	}{
		{"older", "test", config(1, nightRules), "config not newer"},
		{"another device's", "test", tapsync.Config{V: 1, Device: "bus-0043", Version: 9, Issued: time.Now(), Rules: nightRules}, "bus-0043"},
		{"signed by an unknown key", "rogue", config(9, nightRules), "unknown signing key"},
		{"another role", "test", config(9, "role = \"canteen\"\nlists = [\"x\"]\n[school]\nschool = \"s\"\nmeals = [{name = \"lunch\", from = \"11:00\", to = \"14:00\"}]\n"), "role canteen, the device is a bus"},
		{"unknown keys", "test", config(9, nightRules+"fare_free = true\n"), "unknown keys"},
	}
	for _, r := range refused {
		e.publishSigned(t, bundletest.NewKey(t, r.key), tapsync.ConfigTopic(device), true, r.config)
		d.waitLog(r.reason)
		if rc.Version() != 2 {
			t.Fatalf("%s config: running v%d", r.name, rc.Version())
		}
	}

	d.stop() // the device restarts with its config file's rules and the kept config
	ad2, rc2 := busDevice(t, dir)
	must(t, rc2.Load(device, testRing(t)))
	if rc2.Version() != 2 || !slices.Contains(ad2.CurrentEngine().Lists(), "bus-night") {
		t.Errorf("after a restart: config v%d, lists %v", rc2.Version(), ad2.CurrentEngine().Lists())
	}
}

func command(id, kind string, issued time.Time) tapsync.Command {
	return tapsync.Command{V: tapsync.V, Device: device, ID: id, Kind: kind, Issued: issued, Expires: issued.Add(time.Hour)}
}

// TestDownlinkCommands: resync sends the unacked journal again and takes
// the offers again, diagnostics and selftest report; each result is in the
// status at once; a command runs once (across a restart too), and
// expired, forged and another device's are refused.
func TestDownlinkCommands(t *testing.T) {
	e := startHub(t)
	c := synctest.Attach(t, e.central)
	c.DropAcks.Store(1 << 30) // nothing is acked: what resync sends again shows
	key := bundletest.Key(t)
	v1 := snapshot(t, key, "bus-fleet", 1, 0, 40, 0, time.Now().Add(lifetime))
	e.lists.Chunks(v1)
	e.lists.Offer("bus-fleet", v1)
	selftest := func(l *tapsync.Link) {
		l.Opts.AckTimeout = time.Hour
		l.Down.Selftest = func(context.Context) (bool, string) { return false, "✗ readers  front DOWN" }
	}
	d := newDev(t, e, "", nil, selftest)
	d.waitVersion("bus-fleet", 1)
	journalTaps(t, d.journal, 10)
	eventually(t, 10*time.Second, func() bool { return c.Distinct(device) == 10 }, func() string { return "the taps did not reach central" })
	offers := e.hub.Delivered(tapsync.ManifestTopic("bus-fleet"))
	now := time.Now()
	send := func(key string, cmd tapsync.Command) {
		e.publishSigned(t, bundletest.NewKey(t, key), tapsync.CmdTopic(device), false, cmd)
	}
	result := func(id string) *tapsync.CommandResult {
		return c.WaitStatus(t, 10*time.Second, "the result of "+id, func(st tapsync.Status) bool { return st.Command != nil && st.Command.ID == id }).Command
	}

	send("test", command("c1", tapsync.CmdResync, now))
	if r := result("c1"); !r.OK || r.Kind != tapsync.CmdResync {
		t.Errorf("resync: %+v", r)
	}
	eventually(t, 10*time.Second, func() bool { return c.Duplicates(device) >= 10 }, func() string { return "resync sent nothing again" })
	eventually(t, 10*time.Second, func() bool { return e.hub.Delivered(tapsync.ManifestTopic("bus-fleet")) > offers },
		func() string { return "resync did not take the offers again" })

	send("test", command("c2", tapsync.CmdDiagnostics, now))
	r := result("c2")
	for _, want := range []string{"journal: 10 unsynced", "list bus-fleet: v1, 40 entries", "link: up since"} {
		if !r.OK || !strings.Contains(r.Detail, want) {
			t.Errorf("diagnostics lack %q: %+v", want, r)
		}
	}
	send("test", command("c3", tapsync.CmdSelftest, now))
	if r := result("c3"); r.OK || !strings.Contains(r.Detail, "front DOWN") {
		t.Errorf("selftest: %+v", r)
	}

	send("test", command("c2", tapsync.CmdDiagnostics, now))              // again: not run again
	send("test", command("c4", tapsync.CmdResync, now.Add(-2*time.Hour))) // expired an hour ago
	send("rogue", command("c5", tapsync.CmdResync, now))
	other := command("c6", tapsync.CmdResync, now)
	other.Device = "bus-0043"
	send("test", other)
	for _, s := range []string{"already run", "expired", "unknown signing key", "payload of device"} {
		d.waitLog(s)
	}
	if n := d.log.count("sync: command run"); n != 3 {
		t.Errorf("%d commands run, want 3:\n%s", n, d.log)
	}

	d.stop()
	d2 := newDev(t, e, d.dir, d.lists, selftest)
	d2.waitLog("sync: connected")
	send("test", command("c2", tapsync.CmdDiagnostics, now))
	d2.waitLog("already run")
}

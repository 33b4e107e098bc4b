package main

import (
	"context"
	"io"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"karta/agent"
	"karta/central/control"
	"karta/central/store/storetest"
	"karta/internal/syncbuf"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
)

const busRules = "role = \"bus\"\nlists = [\"bus-fleet\"]\n[bus]\nfull_fare = 4000\n"

func TestDeviceCommands(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		mustRun(t, "device", "add", "--db", dsn, "--id", "bus-0042", "--role", "bus", "--route", "112")
		out, _ := mustRun(t, "device", "add", "--db", dsn, "--id", "bus-0042", "--role", "bus", "--route", "7")
		if out != "updated bus-0042 (bus)\n" {
			t.Errorf("second add: %q", out)
		}
		mustRun(t, "device", "add", "--db", dsn, "--id", "school-39-c1", "--role", "canteen", "--school", "school-39")
		mustRun(t, "device", "revoke", "--db", dsn, "--id", "school-39-c1")
		out, _ = mustRun(t, "device", "list", "--db", dsn)
		for _, want := range []string{"bus-0042      bus      7      -          offline", "school-39-c1  canteen  -      school-39  revoked"} {
			if !strings.Contains(out, want) {
				t.Errorf("device list lacks %q:\n%s", want, out)
			}
		}
		for _, c := range []struct {
			args []string
			code int
			says string
		}{
			{[]string{"device", "add", "--db", dsn, "--id", "bus-0043", "--role", "tram"}, 2, "--role bus|turnstile|canteen"},
			{[]string{"device", "add", "--db", dsn, "--id", "Bus 43", "--role", "bus"}, 2, "--id"},
			{[]string{"device", "revoke", "--db", dsn, "--id", "bus-0404"}, 1, "not found"},
			{[]string{"device", "revoke", "--db", dsn}, 2, "--id is required"},
			{[]string{"device", "remove"}, 2, "usage: karta-central device add|list|revoke"},
		} {
			if _, errOut, code := central(t, c.args...); code != c.code || !strings.Contains(errOut, c.says) {
				t.Errorf("%v: exit %d, %q; want %d saying %q", c.args, code, errOut, c.code, c.says)
			}
		}
	})
}

func TestConfigSetRefuses(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	key := signingKey(t)
	mustRun(t, "device", "add", "--db", dsn, "--id", "bus-0042", "--role", "bus")
	canteen := writeFile(t, "canteen.toml", "role = \"canteen\"\n")
	typo := writeFile(t, "typo.toml", "role = \"bus\"\n[buss]\nfull_fare = 1\n")
	for _, c := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"config", "set", "--db", dsn, "--signing-key", key, "--device", "bus-0042", "--rules", canteen}, 1, "rules for a canteen, device bus-0042 is registered as \"bus\""},
		{[]string{"config", "set", "--db", dsn, "--signing-key", key, "--device", "bus-0042", "--rules", typo}, 1, "unknown key \"buss\""},
		{[]string{"config", "set", "--db", dsn, "--signing-key", key, "--device", "bus-0404", "--rules", writeFile(t, "r.toml", busRules)}, 1, "register it"},
		{[]string{"config", "set", "--db", dsn, "--device", "bus-0042"}, 2, "are required"},
		{[]string{"command", "send", "--db", dsn, "--signing-key", key, "--device", "bus-0042", "--kind", "reboot"}, 1, "command refused"},
	} {
		if _, errOut, code := central(t, c.args...); code != c.code || !strings.Contains(errOut, c.says) {
			t.Errorf("%v: exit %d, %q; want %d saying %q", c.args[:2], code, errOut, c.code, c.says)
		}
	}
}

// TestServeSteersDevices: config set and command send reach a device
// through serve, signed by the key it pins; what its status reports comes
// back into command list, device list and alerts; a revoked device is
// dropped and refused.
func TestServeSteersDevices(t *testing.T) {
	dir := t.TempDir()
	db, secret, key := filepath.Join(dir, "central.db"), filepath.Join(dir, "central.secret"), signingKey(t)
	ring := bundletest.Ring(t, bundletest.Key(t))
	mustRun(t, "device", "add", "--db", db, "--id", "bus-0042", "--role", "bus", "--route", "112")
	out, _ := mustRun(t, "config", "set", "--db", db, "--signing-key", key, "--device", "bus-0042", "--rules", writeFile(t, "bus.toml", busRules))
	if !strings.HasPrefix(out, "config 1 of bus-0042 stored") {
		t.Errorf("config set: %q", out)
	}
	out, _ = mustRun(t, "command", "send", "--db", db, "--signing-key", key, "--device", "bus-0042", "--kind", "selftest")
	id := strings.Fields(out)[1]

	ctx, cancel := context.WithCancel(context.Background())
	serveOut := &syncbuf.Buffer{}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--listen", "127.0.0.1:0", "--secret-file", secret}, serveOut, io.Discard)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d", code)
		}
	}()
	addr := waitAddr(t, serveOut)
	pw, _ := mustRun(t, "device-password", "--secret-file", secret, "--id", "bus-0042")
	dial := tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + addr, ClientID: "bus-0042", Username: "bus-0042",
		Password: strings.TrimSpace(pw), Timeout: 5 * time.Second})
	dev, err := dial(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	got := make(chan []byte, 8)
	for _, topic := range []string{tapsync.ConfigTopic("bus-0042"), tapsync.CmdTopic("bus-0042")} {
		if err := dev.Subscribe(topic, 1, func(_ string, p []byte) { got <- p }); err != nil {
			t.Fatal(err)
		}
	}
	if c, err := tapsync.DecodeConfig("bus-0042", receive(t, got), ring); err != nil || c.Version != 1 || c.Rules != busRules {
		t.Fatalf("config %+v, %v", c, err)
	}
	status := tapsync.Status{V: tapsync.V, Device: "bus-0042", Online: true, Role: "bus", Time: time.Now(), Backlog: 90, Capacity: 100}
	publish(t, dev, status) // online: the command goes out now
	if c, err := tapsync.DecodeCommand("bus-0042", receive(t, got), ring, time.Now()); err != nil || c.ID != id || c.Kind != tapsync.CmdSelftest {
		t.Fatalf("command %+v, %v; want %s", c, err, id)
	}
	status.Config, status.Command = 1, &tapsync.CommandResult{ID: id, Kind: tapsync.CmdSelftest, OK: true, Detail: "readers ok", At: time.Now()}
	publish(t, dev, status)
	eventually(t, []string{"command", "list", "--db", db}, id+"  bus-0042  selftest", "ok ", "readers ok")
	eventually(t, []string{"device", "list", "--db", db}, "bus-0042  bus   112    -       online", "1/1")
	eventually(t, []string{"alerts", "--db", db, "--open"}, "journal_full  bus-0042", "90 of 100")

	mustRun(t, "device", "revoke", "--db", db, "--id", "bus-0042")
	select {
	case <-dev.Lost():
	case <-time.After(20 * time.Second):
		t.Fatal("the revoked device stayed connected")
	}
	if c, err := dial(context.Background(), "", nil); err == nil {
		c.Close()
		t.Error("the revoked device connected again")
	}
}

func receive(t *testing.T, got <-chan []byte) []byte {
	t.Helper()
	select {
	case p := <-got:
		return p
	case <-time.After(20 * time.Second):
		t.Fatal("nothing from central in 20 s")
		return nil
	}
}

func publish(t *testing.T, c tapsync.Conn, st tapsync.Status) {
	t.Helper()
	p, err := tapsync.Encode(st)
	if err == nil {
		err = c.Publish(tapsync.StatusTopic(st.Device), 1, true, p)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// eventually runs karta-central with args until its output holds every
// one of wants.
func eventually(t *testing.T, args []string, wants ...string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		out, _ := mustRun(t, args...)
		if !slices.ContainsFunc(wants, func(w string) bool { return !strings.Contains(out, w) }) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("karta-central %s never said %q:\n%s", strings.Join(args, " "), wants, out)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestRulesKeysAreTheAgents: central checks a config's rules against the
// keys agent.Rules reads, without importing the agent; this keeps the two
// lists one.
func TestRulesKeysAreTheAgents(t *testing.T) {
	var tags []string
	rt := reflect.TypeFor[agent.Rules]()
	for i := range rt.NumField() {
		tags = append(tags, strings.Split(rt.Field(i).Tag.Get("toml"), ",")[0])
	}
	slices.Sort(tags)
	keys := slices.Sorted(slices.Values(control.RulesKeys))
	if !slices.Equal(tags, keys) {
		t.Errorf("agent.Rules reads %v, control.RulesKeys are %v", tags, keys)
	}
	roles := slices.Sorted(slices.Values(control.Roles))
	if want := []string{agent.RoleBus, agent.RoleCanteen, agent.RoleTurnstile}; !slices.Equal(roles, want) {
		t.Errorf("control.Roles %v, agent's %v", roles, want)
	}
}

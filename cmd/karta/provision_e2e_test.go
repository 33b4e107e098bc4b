package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"karta/central/broker"
	"karta/central/pki"
	"karta/internal/mosquittotest"
	"karta/internal/systemtest"
	"karta/offline"
	"karta/sim"
	tapsync "karta/sync"
)

// e2e marks a test of real processes — karta-central serve, karta-agent —
// not run in -short.
func e2e(t *testing.T) systemtest.Binaries {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test with real processes; not in -short")
	}
	return systemtest.Build(t)
}

// realCentral is karta-central serve with its embedded broker, SQLite and
// API, over a registry of karta-sim's virtual cards and its signed lists —
// set up with the commands ops use.
type realCentral struct {
	api, broker string // http://host:port; host:port
	depot       *depot
}

var (
	brokerLine = regexp.MustCompile(`devices connect to mqtt://(\S+)`)
	apiLine    = regexp.MustCompile(`API at (http://\S+?)/api/v1/`)
)

func startRealCentral(t *testing.T, bins systemtest.Binaries) *realCentral {
	t.Helper()
	return startCentralIn(t, bins, t.TempDir(), "")
}

// startCentralIn starts central in dir, on the external broker at
// brokerURL (with central's certificate karta-central.pem in dir) or, if
// "", on its embedded broker.
func startCentralIn(t *testing.T, bins systemtest.Binaries, dir, brokerURL string) *realCentral {
	t.Helper()
	d := &depot{dir: dir, tokenKey: filepath.Join(dir, "token.key"), listKey: filepath.Join(dir, "list-public-k1.pub"), template: filepath.Join(dir, "bus.toml")}
	db := filepath.Join(dir, "central.db")
	cmd := func(name string, args ...string) {
		t.Helper()
		if out, err := exec.Command(bins.Path(name), args...).CombinedOutput(); err != nil {
			t.Fatalf("%s %v: %v\n%s", name, args, err, out)
		}
	}
	cmd("karta", "keys", "gen-token", "--id", "t1", "--out", d.tokenKey)
	cmd("karta", "keys", "gen-signing", "--id", "k1", "--out", dir)
	cmd("karta-sim", "registry", "--token-key", d.tokenKey, "-o", filepath.Join(dir, "registry.jsonl"))
	cmd("karta-central", "import", "--db", db, "--token-key", d.tokenKey, filepath.Join(dir, "registry.jsonl"))
	cmd("karta-central", "lists", "build", "--db", db, "--signing-key", filepath.Join(dir, "list-signing-k1.key"))

	c := &realCentral{depot: d}
	args := []string{"serve", "--db", db, "--api", "127.0.0.1:0", "--listen", "127.0.0.1:0", "--secret-file", filepath.Join(dir, "central.secret")}
	if brokerURL != "" {
		c.broker = strings.TrimPrefix(brokerURL, "ssl://")
		args = append(args[:5], "--mqtt-url", brokerURL, "--mqtt-ca", filepath.Join(dir, "ca.pem"),
			"--mqtt-cert", filepath.Join(dir, "karta-central.pem"), "--mqtt-key", filepath.Join(dir, "karta-central.key"))
	}
	serve := exec.Command(bins.Path("karta-central"), args...)
	serve.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	stdout, err := serve.StdoutPipe()
	must(t, err)
	var logs lockedBuf
	serve.Stderr = &logs
	must(t, serve.Start())
	t.Cleanup(func() {
		serve.Process.Signal(syscall.SIGTERM)
		serve.Wait()
		if t.Failed() {
			t.Logf("karta-central's log:\n%s", lastLines(logs.String(), 30))
		}
	})
	found := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if m := brokerLine.FindStringSubmatch(sc.Text()); m != nil {
				c.broker = m[1]
			}
			if m := apiLine.FindStringSubmatch(sc.Text()); m != nil {
				c.api = m[1]
			}
			if c.broker != "" && c.api != "" {
				close(found)
				io.Copy(io.Discard, stdout)
				return
			}
		}
	}()
	select {
	case <-found:
	case <-time.After(time.Minute):
		t.Fatalf("karta-central did not say where it serves:\n%s", logs.String())
	}
	return c
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// provision runs karta provision of a bus validator whose reader presents
// n virtual cards, and returns its exit code and output.
func (c *realCentral) provision(t *testing.T, bins systemtest.Binaries, dir, id string, n int, more ...string) (int, string) {
	t.Helper()
	must(t, os.WriteFile(c.depot.template, []byte(busTemplate(n)), 0o640))
	args := c.depot.args(c.api, dir, id, append([]string{"--broker", "tcp://" + c.broker, "--agent-bin", bins.Path("karta-agent")}, more...)...)
	if id == "" {
		args = slicesWithout(args, "--id", "")
	}
	var out bytes.Buffer
	code := run(context.Background(), args, &out, &out)
	return code, out.String()
}

func slicesWithout(args []string, flag, value string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == flag && i+1 < len(args) && args[i+1] == value {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// runAgent runs the provisioned device until its reader has presented
// its cards and it has stopped.
func runAgent(t *testing.T, bins systemtest.Binaries, config string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, bins.Path("karta-agent"), "run", "--config", config).CombinedOutput()
	if err != nil {
		t.Fatalf("karta-agent run: %v\n%s", err, lastLines(string(out), 20))
	}
	checkNoPAN(t, string(out))
}

// apiTap is a tap as central's API shows it.
type apiTap struct {
	Seq    uint64 `json:"seq"`
	Boot   uint32 `json:"boot"`
	Reader string `json:"reader"`
	Token  string `json:"token"`
}

func (c *realCentral) taps(t *testing.T, device string) []apiTap {
	t.Helper()
	res, err := http.Get(c.api + "/api/v1/taps?limit=1000&device=" + device)
	must(t, err)
	defer res.Body.Close()
	var ts []apiTap
	must(t, json.NewDecoder(res.Body).Decode(&ts))
	return ts
}

// waitTaps waits until central holds n taps of device.
func (c *realCentral) waitTaps(t *testing.T, device string, n int) {
	t.Helper()
	systemtest.Wait(t, time.Minute, func() (bool, string) {
		ts := c.taps(t, device)
		return len(ts) >= n, fmt.Sprintf("central holds %d taps of %s, want %d", len(ts), device, n)
	})
}

// exactlyOnce checks central holds seqs 1..last of device, each once, and
// returns them by seq.
func (c *realCentral) exactlyOnce(t *testing.T, device string, last uint64) map[uint64]apiTap {
	t.Helper()
	got := map[uint64]apiTap{}
	for _, tp := range c.taps(t, device) {
		if _, dup := got[tp.Seq]; dup {
			t.Errorf("%s: seq %d stored twice", device, tp.Seq)
		}
		got[tp.Seq] = tp
		if !strings.HasPrefix(tp.Token, "t1.") {
			t.Errorf("%s seq %d: token %q", device, tp.Seq, tp.Token)
		}
	}
	for seq := uint64(1); seq <= last; seq++ {
		if _, ok := got[seq]; !ok {
			t.Errorf("%s: seq %d missing at central", device, seq)
		}
	}
	if len(got) != int(last) {
		t.Errorf("%s: %d taps at central, want seqs 1-%d", device, len(got), last)
	}
	return got
}

func checkNoPAN(t *testing.T, text string) {
	t.Helper()
	for _, c := range sim.Cards() {
		if c.Want.PAN != "" && strings.Contains(text, c.Want.PAN) {
			t.Errorf("card number of %s in the output", c.Name)
		}
	}
}

func journalStats(t *testing.T, path string) offline.JournalStats {
	t.Helper()
	j, err := offline.OpenJournal(path, offline.JournalOptions{ReadOnly: true})
	must(t, err)
	defer j.Close()
	return j.Stats()
}

// TestProvisionNewDevice: a blank directory becomes a device that taps
// and syncs; the same id cannot be provisioned again while in service;
// decommissioned, it is shown revoked and the broker refuses it.
func TestProvisionNewDevice(t *testing.T) {
	bins := e2e(t)
	c := startRealCentral(t, bins)
	dir := filepath.Join(t.TempDir(), "bus-0001")

	code, out := c.provision(t, bins, dir, "bus-0001", 5)
	if code != 0 {
		t.Fatalf("provision: exit %d\n%s", code, out)
	}
	for _, want := range []string{"✓ register  registered with central: bus, route 12, lists [bus-fleet]", "✓ lists     bus-fleet v1",
		"✓ selftest", "✓ test tap  seq 1 from reader test-tap (allowed", "✓ done"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	checkNoPAN(t, out)
	checkModes(t, dir, map[string]os.FileMode{"token.key": 0o600, "mqtt.password": 0o600})

	runAgent(t, bins, filepath.Join(dir, "agent.toml"))
	c.waitTaps(t, "bus-0001", 6)
	c.exactlyOnce(t, "bus-0001", 6)
	if js := journalStats(t, filepath.Join(dir, "data", "journal.db")); js.Backlog != 0 || js.NextSeq != 7 {
		t.Errorf("journal after the run: %+v", js)
	}

	again := filepath.Join(t.TempDir(), "again")
	if code, out := c.provision(t, bins, again, "bus-0001", 1); code != 1 || !strings.Contains(out, "in service") || !strings.Contains(out, "--replace-from") {
		t.Errorf("provisioning an id in service: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(again); !os.IsNotExist(err) {
		t.Errorf("the refused provisioning left its directory: %v", err)
	}

	var dout bytes.Buffer
	if code := run(context.Background(), []string{"decommission", "--central", c.api, "--id", "bus-0001", "--yes"}, &dout, &dout); code != 0 ||
		!strings.Contains(dout.String(), "✓ bus-0001 decommissioned") {
		t.Fatalf("decommission: exit %d\n%s", code, &dout)
	}
	res, err := http.Get(c.api + "/api/v1/devices/bus-0001")
	must(t, err)
	var dev struct{ Revoked bool }
	must(t, json.NewDecoder(res.Body).Decode(&dev))
	res.Body.Close()
	if !dev.Revoked {
		t.Error("central does not show bus-0001 revoked")
	}
	pw, err := os.ReadFile(filepath.Join(dir, "mqtt.password"))
	must(t, err)
	conn, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + c.broker, ClientID: "bus-0001", Username: "bus-0001",
		Password: strings.TrimSpace(string(pw)), Timeout: 10 * time.Second})(context.Background(), "", nil)
	if err == nil {
		conn.Close()
		t.Error("the broker admits the decommissioned device")
	}
	if code, out := c.provision(t, bins, filepath.Join(t.TempDir(), "x"), "", 1, "--replace-from", dir); code != 1 || !strings.Contains(out, "decommissioned") {
		t.Errorf("replacing a decommissioned device: exit %d\n%s", code, out)
	}
}

// TestProvisionReplacement: a device taps while its broker is out of
// reach, then breaks; its replacement, provisioned from its storage,
// keeps its id and every unsynced tap, continues its seq and boot, and
// central ends with every tap exactly once.
func TestProvisionReplacement(t *testing.T) {
	bins := e2e(t)
	c := startRealCentral(t, bins)
	old := filepath.Join(t.TempDir(), "old")
	if code, out := c.provision(t, bins, old, "bus-0002", 4); code != 0 {
		t.Fatalf("provision: exit %d\n%s", code, out)
	}
	runAgent(t, bins, filepath.Join(old, "agent.toml")) // seqs 2-5 synced
	c.waitTaps(t, "bus-0002", 5)

	cfg, err := os.ReadFile(filepath.Join(old, "agent.toml"))
	must(t, err)
	unreachable := strings.Replace(string(cfg), "tcp://"+c.broker, "tcp://127.0.0.1:1", 1)
	must(t, os.WriteFile(filepath.Join(old, "unreachable.toml"), []byte(unreachable), 0o640))
	runAgent(t, bins, filepath.Join(old, "unreachable.toml")) // seqs 6-9, boot 3, unsynced
	if js := journalStats(t, filepath.Join(old, "data", "journal.db")); js.Backlog != 4 || js.NextSeq != 10 {
		t.Fatalf("the old journal: %+v, want 4 unsynced before seq 10", js)
	}

	repl := filepath.Join(t.TempDir(), "new")
	code, out := c.provision(t, bins, repl, "", 3, "--replace-from", old)
	if code != 0 {
		t.Fatalf("replacement: exit %d\n%s", code, out)
	}
	for _, want := range []string{"provisioning bus-0002 (bus)", "replacement of " + old, "registered as the replacement",
		"✓ journal   carried over from " + old + ": 4 unsynced taps, next seq 10, after boot 3", "✓ test tap  seq 10 "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	runAgent(t, bins, filepath.Join(repl, "agent.toml")) // seqs 11-13
	c.waitTaps(t, "bus-0002", 13)
	got := c.exactlyOnce(t, "bus-0002", 13)
	for seq, boot := range map[uint64]uint32{1: 1, 5: 2, 6: 3, 9: 3, 10: 4, 11: 5, 13: 5} {
		if got[seq].Boot != boot {
			t.Errorf("seq %d stored from boot %d, want %d (the replacement continues the old boots)", seq, got[seq].Boot, boot)
		}
	}
	if got[10].Reader != "test-tap" {
		t.Errorf("seq 10 from reader %q, want the test tap", got[10].Reader)
	}
}

// TestProvisionResume: a run whose test tap cannot reach the broker keeps
// the directory (it holds the tap's journal); the same command, once the
// broker is right, finishes it, and the first tap reaches central too.
func TestProvisionResume(t *testing.T) {
	bins := e2e(t)
	c := startRealCentral(t, bins)
	dir := filepath.Join(t.TempDir(), "bus-0003")
	code, out := c.provision(t, bins, dir, "bus-0003", 1, "--broker", "tcp://127.0.0.1:1", "--timeout", "3s")
	if code != 1 || !strings.Contains(out, "✗ test tap") || !strings.Contains(out, "is kept: it holds the device's journal") {
		t.Fatalf("unreachable broker: exit %d\n%s", code, out)
	}
	code, out = c.provision(t, bins, dir, "bus-0003", 1)
	if code != 0 {
		t.Fatalf("re-run: exit %d\n%s", code, out)
	}
	for _, want := range []string{"resuming an unfinished provisioning", "bus-fleet v1 installed already", "✓ test tap  seq 2 ", "✓ done"} {
		if !strings.Contains(out, want) {
			t.Errorf("re-run output lacks %q:\n%s", want, out)
		}
	}
	c.exactlyOnce(t, "bus-0003", 2)
	if code, out := c.provision(t, bins, dir, "bus-0003", 1); code != 1 || !strings.Contains(out, "holds device bus-0003, provisioned") {
		t.Errorf("a third run over the finished device: exit %d\n%s", code, out)
	}
}

// TestProvisionTurnstile: a school device gets its school's list and
// proves itself with an entry.
func TestProvisionTurnstile(t *testing.T) {
	bins := e2e(t)
	c := startRealCentral(t, bins)
	tmpl := filepath.Join(t.TempDir(), "turnstile.toml")
	must(t, os.WriteFile(tmpl, []byte(`clock = "trusted"
hardware = {driver = "none"}
[[readers]]
name = "in"
driver = "sim"
direction = "in"
cards = ["mir-credit"]
count = 1
[rules]
role = "turnstile"
`), 0o640))
	dir := filepath.Join(t.TempDir(), "gate-0001")
	args := []string{"provision", "--central", c.api, "--id", "gate-0001", "--role", "turnstile", "--school", "school-39", "--dir", dir,
		"--broker", "tcp://" + c.broker, "--template", tmpl, "--token-key", c.depot.tokenKey, "--list-key", c.depot.listKey,
		"--agent-bin", bins.Path("karta-agent")}
	var out bytes.Buffer
	if code := run(context.Background(), args, &out, &out); code != 0 {
		t.Fatalf("exit %d\n%s", code, &out)
	}
	for _, want := range []string{"school school-39, lists [school-39]", "✓ lists     school-39 v1", "✓ test tap  seq 1 from reader test-tap"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, &out)
		}
	}
	c.exactlyOnce(t, "gate-0001", 1)
}

// TestProvisionExternalBroker: on Mosquitto as mosquitto-conf describes it
// (client certificates only, the ACL by common name) the device gets a
// key pair and a certificate from the fleet CA, and its test tap and taps
// reach central through the broker.
func TestProvisionExternalBroker(t *testing.T) {
	bins := e2e(t)
	dir := t.TempDir()
	ca, err := pki.NewCA("karta fleet CA", 1)
	must(t, err)
	must(t, ca.Save(dir, "ca"))
	for name, issue := range map[string]func() (*pki.Cert, error){
		"server":        func() (*pki.Cert, error) { return ca.Server([]string{"127.0.0.1"}, 1) },
		"karta-central": func() (*pki.Cert, error) { return ca.Client("karta-central", 1) },
	} {
		c, err := issue()
		must(t, err)
		must(t, c.Save(dir, name))
	}
	acl := filepath.Join(dir, "karta.acl")
	must(t, os.WriteFile(acl, []byte(broker.MosquittoACL("")), 0o644))
	b := mosquittotest.StartConfig(t, func(port int) string {
		return broker.MosquittoConf(broker.MosquittoOptions{Port: port, ACLFile: acl,
			CAFile: filepath.Join(dir, "ca.pem"), CertFile: filepath.Join(dir, "server.pem"), KeyFile: filepath.Join(dir, "server.key")})
	})
	c := startCentralIn(t, bins, dir, "ssl://"+b.Addr())

	devDir := filepath.Join(t.TempDir(), "bus-0005")
	code, out := c.provision(t, bins, devDir, "bus-0005", 2, "--broker", "ssl://"+b.Addr(), "--ca-dir", dir)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	for _, want := range []string{"✓ identity  new key pair, certificate CN=bus-0005 from the fleet CA", "✓ test tap  seq 1 "} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if _, err := os.Stat(filepath.Join(devDir, "mqtt.password")); !os.IsNotExist(err) {
		t.Errorf("a password file on an external broker: %v", err)
	}
	runAgent(t, bins, filepath.Join(devDir, "agent.toml"))
	c.waitTaps(t, "bus-0005", 3)
	c.exactlyOnce(t, "bus-0005", 3)

	var dout bytes.Buffer
	if code := run(context.Background(), []string{"decommission", "--central", c.api, "--id", "bus-0005", "--yes"}, &dout, &dout); code != 0 ||
		!strings.Contains(dout.String(), "mosquitto-conf --db … --acl-only") {
		t.Errorf("decommission: exit %d\n%s", code, &dout)
	}
}

package main

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"karta/central/api"
	"karta/central/ingest"
	"karta/central/pki"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/internal/mosquittotest"
	"karta/offline"
	tapsync "karta/sync"
)

// TestRevokeMosquitto, on SQLite and PostgreSQL: on the Mosquitto that
// mosquitto-conf --db describes, devices with certificates of the fleet
// CA publish taps that central stores. Once one is decommissioned, the
// ACL written again (--acl-only) and Mosquitto reloaded (SIGHUP), the
// broker drops its taps and delivers nothing to its subscription, while
// another device still works, and so does one registered since.
func TestRevokeMosquitto(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		m := newMosquittoFleet(t, dsn, "karta-central", "bus-0042", "bus-0043", "bus-0044")
		st := storetest.Open(t, dsn)
		f := (&instance{st: st, f: serveFlags{mqttURL: "ssl://broker:8883"}}).fleet()
		for _, id := range []string{"bus-0042", "bus-0043"} {
			_, err := f.Register(ctx, api.Registration{ID: id, Role: "bus", Route: "7"})
			must(t, err)
		}
		m.start(t)
		seen := m.observe(t)
		in := &ingest.Ingester{Conn: m.dial(t, "karta-central-1", "karta-central"), Store: st, Log: slog.New(slog.DiscardHandler), Filter: tapsync.SharedTapsFilter}
		runIngester(t, in)

		devs := map[string]*mqDevice{}
		for _, id := range []string{"bus-0042", "bus-0043"} {
			devs[id] = m.device(t, id)
			devs[id].sendUntilAcked(t, 1)
		}

		d, err := f.Decommission(ctx, "bus-0042")
		if err != nil || !strings.Contains(d.Note, "mosquitto-conf --db") {
			t.Fatalf("decommission: %+v, %v", d, err)
		}
		_, err = f.Register(ctx, api.Registration{ID: "bus-0044", Role: "bus", Route: "7"})
		must(t, err)
		out, _ := mustRun(t, append(m.confArgs, "--acl-only")...)
		if !strings.Contains(out, "wrote") || !strings.Contains(out, "2 devices in service, 1 decommissioned left out") {
			t.Errorf("mosquitto-conf --acl-only: %s", out)
		}
		m.reload(t)
		devs["bus-0044"] = m.device(t, "bus-0044")
		devs["bus-0044"].sendUntilAcked(t, 1) // once Mosquitto has reloaded the ACL

		// Mosquitto handles one message after the other: the decommissioned
		// device's publish (acked on MQTT 3.1.1 though refused) and central's
		// message to it before bus-0043's, which are seen to arrive.
		passed, got := seen.count("bus-0042"), devs["bus-0042"].received()
		devs["bus-0042"].dev.Publish(tapsync.TapsTopic("bus-0042"), 1, false, tapBatch(t, "bus-0042", 2))
		must(t, m.central.Publish(tapsync.AckTopic("bus-0042"), 1, false, []byte("after its decommissioning")))
		devs["bus-0043"].sendUntilAcked(t, 2)
		must(t, m.central.Publish(tapsync.AckTopic("bus-0043"), 1, false, []byte("after bus-0042's")))
		devs["bus-0043"].wait(t, "after bus-0042's")
		devs["bus-0043"].sendUntilAcked(t, 3)

		if n := seen.count("bus-0042"); n != passed {
			t.Errorf("the broker passed %d batches of the decommissioned device on", n-passed)
		}
		if n := devs["bus-0042"].received(); n != got {
			t.Errorf("the decommissioned device received %d messages after its decommissioning", n-got)
		}
		for id, want := range map[string]int64{"bus-0042": 1, "bus-0043": 3, "bus-0044": 1} {
			if n, err := st.CountTaps(ctx, store.TapQuery{Device: id}); n != want || err != nil {
				t.Errorf("%s: %d taps stored (%v), want %d", id, n, err, want)
			}
		}
	})
}

// mosquittoFleet is a fleet CA with its certificates, and the Mosquitto
// that mosquitto-conf --db configures for it.
type mosquittoFleet struct {
	dir, pidFile string
	confArgs     []string
	b            *mosquittotest.Broker
	central      tapsync.Conn // the test's own central connection
}

// newMosquittoFleet makes the CA, the broker's certificate and a client
// certificate for each name.
func newMosquittoFleet(t *testing.T, dsn string, names ...string) *mosquittoFleet {
	m := &mosquittoFleet{dir: t.TempDir()}
	m.pidFile = filepath.Join(m.dir, "mosquitto.pid")
	ca, err := pki.NewCA("karta fleet CA", 1)
	must(t, err)
	certs := map[string]*pki.Cert{"ca": ca}
	certs["server"], err = ca.Server([]string{"127.0.0.1", "localhost"}, 1)
	must(t, err)
	for _, n := range names {
		certs[n], err = ca.Client(n, 1)
		must(t, err)
	}
	for name, c := range certs {
		must(t, c.Save(m.dir, name))
	}
	m.confArgs = []string{"mosquitto-conf", "--db", dsn, "--dir", m.dir, "--ca", m.file("ca.pem"),
		"--cert", m.file("server.pem"), "--key", m.file("server.key")}
	return m
}

func (m *mosquittoFleet) file(name string) string { return filepath.Join(m.dir, name) }

// start runs Mosquitto on what mosquitto-conf writes, with a pid file for
// reload.
func (m *mosquittoFleet) start(t *testing.T) {
	m.b = mosquittotest.StartConfig(t, func(port int) string {
		mustRun(t, append(m.confArgs, "--port", strconv.Itoa(port))...)
		conf, err := os.ReadFile(m.file("mosquitto.conf"))
		must(t, err)
		return string(conf) + "pid_file " + m.pidFile + "\n"
	})
	m.central = m.dial(t, "karta-central-test", "karta-central")
}

// reload is what systemctl reload mosquitto does: SIGHUP.
func (m *mosquittoFleet) reload(t *testing.T) {
	b, err := os.ReadFile(m.pidFile)
	must(t, err)
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	must(t, err)
	must(t, syscall.Kill(pid, syscall.SIGHUP))
}

// dial connects as client id with the certificate of name.
func (m *mosquittoFleet) dial(t *testing.T, id, name string) tapsync.Conn {
	t.Helper()
	tc, err := tapsync.TLSFiles{CA: m.file("ca.pem"), Cert: m.file(name + ".pem"), Key: m.file(name + ".key")}.Config()
	must(t, err)
	c, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: "ssl://" + m.b.Addr(), ClientID: id, TLS: tc, Timeout: 5 * time.Second})(context.Background(), "", nil)
	must(t, err)
	t.Cleanup(c.Close)
	return c
}

// taps is every batch the broker passes on, by device.
type taps struct {
	mu      sync.Mutex
	devices []string
}

func (s *taps) count(device string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(slices.DeleteFunc(slices.Clone(s.devices), func(d string) bool { return d != device }))
}

// observe subscribes a second central connection to every device's taps
// (central's certificate may read them all).
func (m *mosquittoFleet) observe(t *testing.T) *taps {
	s := &taps{}
	must(t, m.dial(t, "karta-central-observer", "karta-central").Subscribe(tapsync.Root+"dev/+/taps", 1, func(topic string, _ []byte) {
		dev, _ := tapsync.DeviceOf(topic)
		s.mu.Lock()
		s.devices = append(s.devices, dev)
		s.mu.Unlock()
	}))
	return s
}

// mqDevice is a device's connection, subscribed to its acks.
type mqDevice struct {
	id   string
	dev  tapsync.Conn
	acks chan []byte
	mu   sync.Mutex
	got  []string // every message received
}

func (m *mosquittoFleet) device(t *testing.T, id string) *mqDevice {
	d := &mqDevice{id: id, dev: m.dial(t, id, id), acks: make(chan []byte, 64)}
	must(t, d.dev.Subscribe(tapsync.AckTopic(id), 1, func(_ string, p []byte) {
		d.mu.Lock()
		d.got = append(d.got, string(p))
		d.mu.Unlock()
		select {
		case d.acks <- p:
		default: // sendUntilAcked is not waiting
		}
	}))
	return d
}

func (d *mqDevice) received() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return len(d.got)
}

// wait waits for message p.
func (d *mqDevice) wait(t *testing.T, p string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		d.mu.Lock()
		ok := slices.Contains(d.got, p)
		d.mu.Unlock()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s did not receive %q", d.id, p)
		}
	}
}

// sendUntilAcked publishes the batch of tap seq until central acks it.
func (d *mqDevice) sendUntilAcked(t *testing.T, seq uint64) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		must(t, d.dev.Publish(tapsync.TapsTopic(d.id), 1, false, tapBatch(t, d.id, seq)))
		select {
		case p := <-d.acks:
			if a, err := tapsync.DecodeAck(d.id, p); err == nil && slices.ContainsFunc(a.Ranges, func(r tapsync.SeqRange) bool { return r.From <= seq && seq <= r.To }) {
				return
			}
		case <-time.After(200 * time.Millisecond): // not yet allowed to publish: send again
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: tap %d not acked in 30 s", d.id, seq)
		}
	}
}

// tapBatch is a batch of one tap.
func tapBatch(t *testing.T, device string, seq uint64) []byte {
	b, err := tapsync.Encode(tapsync.TapBatch{V: tapsync.V, Device: device, From: seq, To: seq,
		Taps: []offline.Tap{{Seq: seq, Time: time.Now(), Role: "bus", Reason: "ok"}}})
	must(t, err)
	return b
}

// runIngester runs in until the test ends.
func runIngester(t *testing.T, in *ingest.Ingester) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

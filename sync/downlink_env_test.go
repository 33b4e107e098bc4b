package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"karta/agent"
	"karta/central/broker"
	"karta/internal/mosquittotest"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

const device = "bus-0042"

// brokerKind is where a downlink test runs: a Hub in memory, a real
// Mosquitto, the embedded broker with its device ACL.
type brokerKind struct {
	name  string
	start func(t testing.TB) *env
}

var brokerKinds = []brokerKind{
	{"hub", startHub},
	{"mosquitto", startMosquitto},
	{"embedded", startEmbedded},
}

// env is a broker with a test central on it.
type env struct {
	dial    tapsync.Dialer
	central tapsync.Conn
	lists   synctest.Lists
	hub     *synctest.Hub         // hub only
	mosq    *mosquittotest.Broker // mosquitto only
}

func startHub(t testing.TB) *env {
	h := synctest.NewHub()
	c := h.Conn()
	return &env{dial: h.Dial, central: c, lists: synctest.Lists{T: t, Conn: c}, hub: h}
}

func startMosquitto(t testing.TB) *env {
	b := mosquittotest.Start(t)
	e := &env{mosq: b, dial: tapsync.DialMQTT(tapsync.MQTTOptions{URL: b.URL(), ClientID: device, Timeout: 2 * time.Second})}
	e.connectCentral(t)
	return e
}

// connectCentral (again, after an outage) connects the test central to
// Mosquitto.
func (e *env) connectCentral(t testing.TB) {
	t.Helper()
	c, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: e.mosq.URL(), ClientID: "central-test", Timeout: 2 * time.Second})(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	e.central, e.lists = c, synctest.Lists{T: t, Conn: c}
}

func startEmbedded(t testing.TB) *env {
	pw := broker.Passwords{Secret: []byte("downlink-test-secret-0123456789ab")}
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: pw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	c := b.Conn()
	return &env{central: c, lists: synctest.Lists{T: t, Conn: c},
		dial: tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + b.Addr(), ClientID: device, Username: device, Password: pw.For(device), Timeout: 2 * time.Second})}
}

// publishSigned publishes a signed message (config, command) of central.
func (e *env) publishSigned(t testing.TB, key *bundle.SigningKey, topic string, retained bool, msg any) {
	t.Helper()
	b, err := tapsync.Sign(key, msg)
	must(t, err)
	must(t, e.central.Publish(topic, 1, retained, b))
}

// dev is a device with a link and a downlink.
type dev struct {
	t       testing.TB
	dir     string
	lists   *offline.Lists
	journal *offline.Journal
	log     *logBuf
	link    *tapsync.Link
	down    *tapsync.Downlink
	rec     *synctest.Installs
	stop    func()
}

// devSetup changes a device's link before it starts.
type devSetup func(*tapsync.Link)

// newDev starts a device on e whose rules consult bus-fleet; lists and
// dir may come from an earlier device (a restart).
func newDev(t testing.TB, e *env, dir string, lists *offline.Lists, setup ...devSetup) *dev {
	t.Helper()
	if dir == "" {
		dir = t.TempDir()
	}
	if lists == nil {
		lists = offlinetest.Lists(t, nil)
	}
	d := &dev{t: t, dir: dir, lists: lists, log: &logBuf{}, journal: offlinetest.Journal(t, offline.JournalOptions{})}
	log := slog.New(slog.NewTextHandler(d.log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	inbox := &agent.Inbox{Lists: lists, Keys: testRing(t), Now: time.Now, Log: log}
	d.rec = &synctest.Installs{In: inbox}
	d.down = &tapsync.Downlink{Ring: testRing(t), Dir: filepath.Join(dir, "downlink"), Lists: func() []string { return []string{"bus-fleet"} },
		Installed: lists, Install: d.rec, Opts: tapsync.DownlinkOptions{Stall: 300 * time.Millisecond}}
	d.link = &tapsync.Link{Device: device, Dial: e.dial, Outbox: d.journal, Log: log, Down: d.down, Status: d.status,
		Opts: tapsync.LinkOptions{Poll: 20 * time.Millisecond, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond}}
	for _, s := range setup {
		s(d.link)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.link.Run(ctx); close(done) }()
	var once sync.Once
	d.stop = func() { once.Do(func() { cancel(); <-done }) }
	t.Cleanup(d.stop)
	return d
}

// status is what the device says of itself.
func (d *dev) status() tapsync.Status {
	js := d.journal.Stats()
	st := tapsync.Status{Role: "bus", Time: time.Now(), Backlog: js.Backlog, Capacity: js.Capacity, NextSeq: js.NextSeq, Boot: js.Boot}
	for _, l := range d.lists.States() {
		st.Lists = append(st.Lists, tapsync.ListStatus{List: l.List, Version: l.Version, Issued: l.Issued, Entries: l.Entries})
	}
	return st
}

// version is the installed version of list; 0: none.
func (d *dev) version(list string) uint64 {
	st, ok := d.lists.State(list)
	if !ok {
		return 0
	}
	return st.Version
}

// waitVersion waits until list is at v.
func (d *dev) waitVersion(list string, v uint64) {
	d.t.Helper()
	eventually(d.t, 20*time.Second, func() bool { return d.version(list) == v },
		func() string { return fmt.Sprintf("%s at v%d, want v%d; log:\n%s", list, d.version(list), v, d.log) })
}

// waitLog waits until the log says s.
func (d *dev) waitLog(s string) {
	d.t.Helper()
	eventually(d.t, 20*time.Second, func() bool { return strings.Contains(d.log.String(), s) },
		func() string { return fmt.Sprintf("the log never said %q:\n%s", s, d.log) })
}

// logBuf is a log the test reads while the link writes it.
type logBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func (l *logBuf) count(s string) int { return strings.Count(l.String(), s) }

func eventually(t testing.TB, within time.Duration, ok func() bool, why func() string) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal(why())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// The list versions of the tests, signed with bundletest's key "test".

func testRing(t testing.TB) bundle.KeyRing { return bundletest.Ring(t, bundletest.Key(t)) }

// lifetime: the tests' versions expire a month from now.
var lifetime = 30 * 24 * time.Hour

// snapshot is version v of list: entries from..to-1 of bundletest, in
// chunks of chunk bytes (0: the default).
func snapshot(t testing.TB, key *bundle.SigningKey, list string, v uint64, from, to, chunk int, expires time.Time) *bundle.Bundle {
	t.Helper()
	w, err := bundle.NewSnapshot(list, v, bundle.Options{ChunkSize: chunk})
	must(t, err)
	for i := from; i < to; i++ {
		must(t, w.Put(bundletest.Entry(i)))
	}
	return signW(t, w, key, expires)
}

// delta turns base into v: entry del is deleted, entry add is added.
func delta(t testing.TB, key *bundle.SigningKey, list string, base, v uint64, del, add int) *bundle.Bundle {
	t.Helper()
	w, err := bundle.NewDelta(list, base, v, bundle.Options{})
	must(t, err)
	must(t, w.Delete(bundletest.Token(del)))
	must(t, w.Put(bundletest.Entry(add)))
	return signW(t, w, key, time.Now().Add(lifetime))
}

func signW(t testing.TB, w *bundle.Writer, key *bundle.SigningKey, expires time.Time) *bundle.Bundle {
	t.Helper()
	b, err := w.Sign(key, expires.Add(-2*lifetime), expires)
	must(t, err)
	return b
}

func has(t testing.TB, l *offline.Lists, list string, i int) bool {
	t.Helper()
	e, err := l.Get(list, bundletest.Token(i))
	must(t, err)
	return e != nil
}

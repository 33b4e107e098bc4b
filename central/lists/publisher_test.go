package lists_test

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"karta/central/broker"
	"karta/central/lists"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/internal/mosquittotest"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
)

// counting counts what goes through a Conn.
type counting struct {
	lists.Conn
	mu                sync.Mutex
	published, clears int
}

func (c *counting) Publish(topic string, qos byte, retained bool, payload []byte) error {
	c.mu.Lock()
	c.published++
	if len(payload) == 0 {
		c.clears++
	}
	c.mu.Unlock()
	return c.Conn.Publish(topic, qos, retained, payload)
}

func (c *counting) take() (published, clears int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p, cl := c.published, c.clears
	c.published, c.clears = 0, 0
	return p, cl
}

// rig is a store with a builder and a publisher on a broker, and a way to
// connect as a device.
type rig struct {
	s    *store.Store
	c    *clock
	b    *lists.Builder
	conn *counting
	pub  *lists.Publisher
	dial func(t *testing.T) tapsync.Conn
}

func newRig(t *testing.T, central tapsync.Conn, dial func(t *testing.T) tapsync.Conn) *rig {
	s := storetest.Open(t, storetest.DSN(t, "sqlite"))
	r := &rig{s: s, c: &clock{bundletest.Now}, conn: &counting{Conn: central}, dial: dial}
	r.b = newBuilder(t, s, r.c)
	r.b.Chunk = 1024 // several chunks per version
	r.pub = &lists.Publisher{Store: s, Conn: r.conn, Now: r.c.now, Log: quiet}
	return r
}

// receive subscribes a device to filter and collects what arrives until
// want says it has enough, or the deadline.
func receive(t *testing.T, dev tapsync.Conn, filter string, want func(map[string][]byte) bool) map[string][]byte {
	t.Helper()
	var mu sync.Mutex
	got := map[string][]byte{}
	if err := dev.Subscribe(filter, 1, func(topic string, p []byte) {
		mu.Lock()
		got[topic] = slices.Clone(p)
		mu.Unlock()
	}); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		done := want(got)
		mu.Unlock()
		if done {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	return maps(got)
}

func maps(m map[string][]byte) map[string][]byte {
	out := make(map[string][]byte, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// fetchOffer is what a device does: take the retained offer, verify each
// manifest, fetch each one's chunks and open the bundle.
func fetchOffer(t *testing.T, dev tapsync.Conn, list string, now time.Time) []*bundle.Manifest {
	t.Helper()
	got := receive(t, dev, tapsync.ManifestTopic(list), func(m map[string][]byte) bool { return len(m) > 0 })
	o, err := tapsync.DecodeListOffer(list, got[tapsync.ManifestTopic(list)])
	if err != nil {
		t.Fatalf("offer of %s: %v", list, err)
	}
	ring := bundletest.Ring(t, bundletest.Key(t))
	var ms []*bundle.Manifest
	for _, signed := range o.Manifests {
		m, err := bundle.VerifyManifest(signed, ring, now)
		if err != nil {
			t.Fatalf("a manifest of the offer: %v", err)
		}
		chunks := receive(t, dev, tapsync.ChunksFilter(list, m.Version, m.Base), func(c map[string][]byte) bool { return len(c) >= len(m.Chunks) })
		b := &bundle.Bundle{Signed: signed}
		for i := range m.Chunks {
			b.Chunks = append(b.Chunks, chunks[tapsync.ChunkTopic(list, m.Version, m.Base, i)])
		}
		if _, err := bundle.Open(b, ring, now); err != nil {
			t.Fatalf("%s from the broker: %v", m.Name(), err)
		}
		ms = append(ms, m)
	}
	return ms
}

// retainedChunks subscribes to a version's chunks and returns those
// retained: a marker published after the subscription closes the wait.
func retainedChunks(t *testing.T, r *rig, dev tapsync.Conn, list string, version, base uint64) int {
	t.Helper()
	marker := tapsync.ChunkTopic(list, version, base, 999999)
	var mu sync.Mutex
	n, seen := 0, false
	if err := dev.Subscribe(tapsync.ChunksFilter(list, version, base), 1, func(topic string, p []byte) {
		mu.Lock()
		defer mu.Unlock()
		if topic == marker {
			seen = true
		} else if len(p) > 0 {
			n++
		}
	}); err != nil {
		t.Fatal(err)
	}
	if err := r.conn.Conn.Publish(marker, 1, false, []byte("marker")); err != nil {
		t.Fatal(err)
	}
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		done := seen
		mu.Unlock()
		if done {
			break
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if !seen {
		t.Fatal("the marker never came")
	}
	return n
}

func (r *rig) change(t *testing.T, i int) {
	t.Helper()
	e := bundletest.Entry(i)
	e.Category = "changed-" + strconv.Itoa(i)
	if _, err := r.s.PutEntitlements(context.Background(), []*offline.Entry{e}); err != nil {
		t.Fatal(err)
	}
	r.c.t = r.c.t.Add(time.Minute)
	if res := build(t, r.b, false)[lists.BusFleet]; !res.Built() {
		t.Fatalf("not built: %+v", res)
	}
}

func (r *rig) publish(t *testing.T) {
	t.Helper()
	if err := r.pub.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func testPublish(t *testing.T, r *rig) {
	ctx := context.Background()
	if _, err := r.s.PutEntitlements(ctx, bundletest.Entries(200)); err != nil {
		t.Fatal(err)
	}
	build(t, r.b, false)
	r.publish(t)
	dev := r.dial(t)
	ms := fetchOffer(t, dev, lists.BusFleet, r.c.t)
	if len(ms) != 1 || ms[0].Version != 1 || !ms[0].Snapshot() || len(ms[0].Chunks) < 2 {
		t.Fatalf("first offer: %v", names(ms))
	}
	if got := fetchOffer(t, dev, "school-1", r.c.t); len(got) != 1 {
		t.Errorf("school-1 offer: %v", names(got))
	}

	r.conn.take()
	r.publish(t)
	if p, _ := r.conn.take(); p != 0 {
		t.Errorf("a round with nothing new published %d messages", p)
	}

	r.change(t, 0)
	r.change(t, 1)
	r.publish(t)
	if _, clears := r.conn.take(); clears < len(ms[0].Chunks) { // and school-1's v1
		t.Errorf("%d chunks cleared, bus-fleet v1 alone had %d", clears, len(ms[0].Chunks))
	}
	dev2 := r.dial(t)
	ms = fetchOffer(t, dev2, lists.BusFleet, r.c.t)
	if want := "[list bus-fleet v3 list bus-fleet delta v2→v3 list bus-fleet delta v1→v2]"; fmt.Sprint(names(ms)) != want {
		t.Errorf("offer after two changes: %v, want %s", names(ms), want)
	}
	for _, v := range []uint64{1, 2} {
		if n := retainedChunks(t, r, dev2, lists.BusFleet, v, 0); n != 0 {
			t.Errorf("%d chunks of the snapshot v%d still retained", n, v)
		}
	}
	if n := retainedChunks(t, r, dev2, lists.BusFleet, 3, 0); n != len(ms[0].Chunks) {
		t.Errorf("%d chunks of v3 retained, want %d", n, len(ms[0].Chunks))
	}
}

func names(ms []*bundle.Manifest) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.Name())
	}
	return out
}

func TestPublishEmbedded(t *testing.T) {
	pw := broker.Passwords{Secret: []byte("central-secret-for-tests-0123456")}
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: pw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	n := 0
	testPublish(t, newRig(t, b.Conn(), func(t *testing.T) tapsync.Conn {
		n++
		id := fmt.Sprintf("bus-%04d", n)
		return dial(t, "tcp://"+b.Addr(), id, pw.For(id))
	}))
}

func TestPublishMosquitto(t *testing.T) {
	m := mosquittotest.Start(t)
	central := dial(t, m.URL(), "karta-central-test", "")
	n := 0
	testPublish(t, newRig(t, central, func(t *testing.T) tapsync.Conn {
		n++
		return dial(t, m.URL(), fmt.Sprintf("bus-%04d", n), "")
	}))
}

func dial(t *testing.T, url, id, password string) tapsync.Conn {
	t.Helper()
	user := id
	if password == "" {
		user = ""
	}
	c, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: url, ClientID: id, Username: user, Password: password,
		Timeout: 5 * time.Second})(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// TestPublishAfterRestart: a new Publisher clears the chunks an earlier
// one left of versions it no longer offers, and warns of an offered
// version near its expiry.
func TestPublishAfterRestart(t *testing.T) {
	m := mosquittotest.Start(t)
	r := newRig(t, dial(t, m.URL(), "karta-central-test", ""), func(t *testing.T) tapsync.Conn {
		return dial(t, m.URL(), "bus-0001", "")
	})
	if _, err := r.s.PutEntitlements(context.Background(), bundletest.Entries(100)); err != nil {
		t.Fatal(err)
	}
	build(t, r.b, false)
	r.publish(t)
	r.change(t, 0)

	var log strings.Builder
	r.c.t = r.c.t.Add(lists.DefaultExpires - 2*time.Hour)
	restarted := &lists.Publisher{Store: r.s, Conn: r.conn, Now: r.c.now, Log: slog.New(slog.NewTextHandler(&log, nil))}
	if err := restarted.Publish(context.Background()); err != nil {
		t.Fatal(err)
	}
	dev := r.dial(t)
	if n := retainedChunks(t, r, dev, lists.BusFleet, 1, 0); n != 0 {
		t.Errorf("%d chunks of v1 left by the first publisher", n)
	}
	if !strings.Contains(log.String(), "expires soon") || !strings.Contains(log.String(), "list=bus-fleet version=2") {
		t.Errorf("no warning of the expiry:\n%s", log.String())
	}
}

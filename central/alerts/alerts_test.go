package alerts_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"sync"
	"testing"
	"time"

	"karta/central/alerts"
	"karta/central/broker"
	"karta/central/ingest"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
)

var pw = broker.Passwords{Secret: []byte("alerts-test-secret-0123456789abc")}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is the checker's clock, moved by the test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// central is an embedded broker, a store, a real ingest and a checker
// hooked to it.
type central struct {
	b     *broker.Broker
	st    *store.Store
	check *alerts.Checker
	clock *clock
	want  int64 // events the checker should have seen
}

func startCentral(t *testing.T, st *store.Store) *central {
	t.Helper()
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: pw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	c := &central{b: b, st: st, clock: &clock{t: time.Now()}}
	c.check = alerts.NewChecker(st, alerts.Options{Log: quiet, Now: c.clock.Now, Every: 5 * time.Millisecond,
		Rules: alerts.Rules{GapGrace: time.Minute}})
	in := &ingest.Ingester{Conn: b.Conn(), Store: st, Log: quiet, Saved: c.check.Batch}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Add(2)
	go func() { defer wg.Done(); in.Run(ctx) }()
	go func() { defer wg.Done(); c.check.Run(ctx) }()
	t.Cleanup(func() { cancel(); wg.Wait() })
	return c
}

// device is a device's raw connection, to send crafted batches.
type device struct {
	id   string
	conn tapsync.Conn
	acks chan tapsync.Ack
}

func (c *central) device(t *testing.T, id string) *device {
	t.Helper()
	conn, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + c.b.Addr(), ClientID: id, Username: id, Password: pw.For(id)})(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	d := &device{id: id, conn: conn, acks: make(chan tapsync.Ack, 16)}
	if err := conn.Subscribe(tapsync.AckTopic(id), 1, func(_ string, b []byte) {
		if a, err := tapsync.DecodeAck(id, b); err == nil {
			d.acks <- a
		}
	}); err != nil {
		t.Fatal(err)
	}
	return d
}

// tap is a tap at, by card, on a synced clock.
func tap(seq uint64, card int, role string, at time.Time) offline.Tap {
	return offline.Tap{Seq: seq, Boot: 1, Time: at, Clock: "synced", Reader: "pcsc0", Role: role,
		Token: offlinetest.Token(card), Scheme: "mir", Allowed: true, Reason: "ok"}
}

// run is taps from..to, a second apart ending now, each by its own card
// (card = base + seq).
func run(from, to uint64, base int, role string) []offline.Tap {
	var ts []offline.Tap
	now := time.Now()
	for q := from; q <= to; q++ {
		ts = append(ts, tap(q, base+int(q), role, now.Add(-time.Duration(to-q)*time.Second)))
	}
	return ts
}

// send publishes taps as one batch sent now (or at sent) until it is
// acked, and counts an event for the checker if something was new (a
// copy sent again is a duplicate, not checked).
func (c *central) send(t *testing.T, d *device, fresh bool, taps []offline.Tap, sent ...time.Time) {
	t.Helper()
	b := tapsync.TapBatch{V: tapsync.V, Device: d.id, From: taps[0].Seq, To: taps[len(taps)-1].Seq, Taps: taps, Sent: time.Now()}
	if len(sent) > 0 {
		b.Sent = sent[0]
	}
	payload, err := tapsync.Encode(b)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for acked := false; !acked; { // again every second, as a device does (ingest may not have subscribed yet)
		if err := d.conn.Publish(tapsync.TapsTopic(d.id), 1, false, payload); err != nil {
			t.Fatal(err)
		}
		select {
		case a := <-d.acks: // an earlier batch's late ack does not count
			acked = slices.ContainsFunc(a.Ranges, func(r tapsync.SeqRange) bool { return r.From <= b.From && b.To <= r.To })
		case <-time.After(time.Second):
			if time.Now().After(deadline) {
				t.Fatalf("no ack for %s %d-%d", d.id, b.From, b.To)
			}
		}
	}
	if fresh {
		c.want++
	}
}

// settle waits until the checker has checked every event counted, then
// moves the clock past the gap grace and waits until it has looked at
// every suspected gap again.
func (c *central) settle(t *testing.T, gaps int64) {
	t.Helper()
	c.wait(t, func(st alerts.Stats) bool { return st.Checked >= c.want })
	c.clock.Add(2 * time.Minute)
	c.wait(t, func(st alerts.Stats) bool { return st.Confirmed >= gaps })
	if st := c.check.Stats(); st.Dropped != 0 || st.Confirmed != gaps {
		t.Errorf("checker stats %+v, want %d gaps confirmed, none dropped", st, gaps)
	}
}

func (c *central) wait(t *testing.T, done func(alerts.Stats) bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for st := c.check.Stats(); !done(st); st = c.check.Stats() {
		if time.Now().After(deadline) {
			t.Fatalf("checker stats %+v after 20 s (%d events sent)", st, c.want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// open returns the open alerts by kind.
func (c *central) open(t *testing.T) map[string][]store.Alert {
	t.Helper()
	as, err := c.st.Alerts(context.Background(), true, 0)
	if err != nil {
		t.Fatal(err)
	}
	m := map[string][]store.Alert{}
	for _, a := range as {
		m[a.Kind] = append(m[a.Kind], a)
	}
	return m
}

func each(t *testing.T, f func(t *testing.T, c *central)) {
	storetest.Each(t, func(t *testing.T, st *store.Store) { f(t, startCentral(t, st)) })
}

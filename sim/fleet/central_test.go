package fleet_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"karta/central/broker"
	"karta/central/ingest"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/internal/mosquittotest"
	"karta/sim/fleet"
	tapsync "karta/sync"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

var passwords = broker.Passwords{Secret: []byte("fleet-test-secret-0123456789abcd")}

// central is central's pieces in-process: a broker, a store and an
// ingester; dial is how the fleet's devices reach it.
type central struct {
	st   *store.Store
	in   *ingest.Ingester
	rec  *recorder    // what the ingester's store calls did
	conn tapsync.Conn // central's own connection to the broker
	url  string
	dial func(device string) tapsync.Dialer
}

// embedded is the default deployment: the embedded broker with device
// passwords, SQLite.
func embedded(tb testing.TB, tune func(*ingest.Ingester)) *central {
	tb.Helper()
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: passwords})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	st := storetest.Open(tb, "sqlite:"+filepath.Join(tb.TempDir(), "central.db"))
	url := "tcp://" + b.Addr()
	c := &central{st: st, conn: b.Conn(), url: url, dial: fleet.DialMQTT(url, passwords.For, 0)}
	c.start(tb, "", tune)
	return c
}

// scaledOut is the deployment for a larger region: a real Mosquitto (no
// auth) and PostgreSQL, central on the shared subscription.
func scaledOut(tb testing.TB, tune func(*ingest.Ingester)) *central {
	tb.Helper()
	b := mosquittotest.Start(tb, mosquittoConf...)
	st := storetest.Open(tb, storetest.PostgresDSN(tb, ""))
	conn, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: b.URL(), ClientID: "karta-central-bench"})(context.Background(), "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(conn.Close)
	c := &central{st: st, conn: conn, url: b.URL(), dial: fleet.DialMQTT(b.URL(), nil, 0)}
	c.start(tb, tapsync.SharedTapsFilter, tune)
	return c
}

// mosquittoConf is the benchmarks' Mosquitto: anonymous on loopback, and
// no limit on the messages queued for a subscriber (the default, 1000,
// drops the excess of a burst silently: the bare-broker baseline, whose
// publishers wait for no ack of central, lost 19 of 2,000 batches).
var mosquittoConf = []string{"allow_anonymous true", "max_queued_messages 0"}

// start runs the ingester until the test ends; tune may change its
// settings.
func (c *central) start(tb testing.TB, filter string, tune func(*ingest.Ingester)) {
	tb.Helper()
	c.rec = &recorder{Store: c.st}
	c.in = &ingest.Ingester{Conn: c.conn, Store: c.rec, Log: quiet, Filter: filter}
	if tune != nil {
		tune(c.in)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.in.Run(ctx); close(done) }()
	tb.Cleanup(func() { cancel(); <-done })
	c.subscribed(tb)
}

// subscribed waits until the ingester is subscribed: Run subscribes in
// its own goroutine, and batches published before are lost until their
// device's ack timeout, a stall a benchmark would measure. The probe is a
// payload ingest refuses, so nothing is stored.
func (c *central) subscribed(tb testing.TB) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); c.in.Stats().Refused == 0; {
		if time.Now().After(deadline) {
			tb.Fatal("ingest did not subscribe within 10 s")
		}
		if err := c.conn.Publish(tapsync.TapsTopic("probe"), 1, false, []byte("probe")); err != nil {
			tb.Fatal(err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// recorder is the store as the ingester sees it, timing each round: how
// busy the store was and how large its rounds were tell whether the
// database or the path to it limits the taps/s.
type recorder struct {
	*store.Store
	rounds, taps, busy atomic.Int64 // busy in ns
}

func (r *recorder) SaveTaps(ctx context.Context, bs []store.DeviceBatch) ([]store.Saved, error) {
	start := time.Now()
	saved, err := r.Store.SaveTaps(ctx, bs)
	r.busy.Add(int64(time.Since(start)))
	r.rounds.Add(1)
	for _, b := range bs {
		r.taps.Add(int64(len(b.Taps)))
	}
	return saved, err
}

// snapshot is the recorder's counters at one moment.
type snapshot struct {
	rounds, taps int64
	busy         time.Duration
}

func (r *recorder) snapshot() snapshot {
	return snapshot{rounds: r.rounds.Load(), taps: r.taps.Load(), busy: time.Duration(r.busy.Load())}
}

func (s snapshot) sub(o snapshot) snapshot {
	return snapshot{rounds: s.rounds - o.rounds, taps: s.taps - o.taps, busy: s.busy - o.busy}
}

package ingest_test

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"karta/central/ingest"
	"karta/central/store"
	"karta/central/store/storetest"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

// readCounter is the store, counting how often ingest reads the revoked
// devices.
type readCounter struct {
	*store.Store
	reads atomic.Int64
}

func (r *readCounter) RevokedDevices(ctx context.Context) ([]string, error) {
	r.reads.Add(1)
	return r.Store.RevokedDevices(ctx)
}

// clock stands still until Advance.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// lockedLog is a log's text, written from ingest's goroutine.
type lockedLog struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestRevokedRefused, on SQLite and PostgreSQL: in one round a revoked
// device's batch is refused (not stored, not acked, counted, logged once)
// and another's stored; the revoked devices are read once per
// RevokedEvery, not per batch, so a device revoked since is refused once
// that has passed.
func TestRevokedRefused(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for _, id := range []string{"bus-0001", "bus-0666"} {
			must(t, st.PutDevice(ctx, store.Device{ID: id, Role: "bus"}))
		}
		must(t, st.RevokeDevice(ctx, "bus-0666"))
		hub, rs, clk, log := synctest.NewHub(), &readCounter{Store: st}, &clock{now: storetest.T0}, &lockedLog{}
		// Two batches a round, however long they take to come.
		in := &ingest.Ingester{Conn: hub.Conn(), Store: rs, Log: slog.New(slog.NewTextHandler(log, nil)),
			Round: 2, Wait: time.Hour, Now: clk.Now}
		runIngest(t, in)
		acks := ackChannels(t, hub.Conn(), "bus-0001", "bus-0666")

		for deadline := time.Now().Add(30 * time.Second); hub.Delivered(tapsync.TapsTopic("bus-0666")) == 0; { // until ingest has subscribed
			if time.Now().After(deadline) {
				t.Fatal("ingest did not subscribe")
			}
			publishBatch(t, hub.Conn(), "bus-0666", 1, 10)
			time.Sleep(time.Millisecond)
		}
		round := func(n int) {
			t.Helper()
			if n > 0 {
				publishBatch(t, hub.Conn(), "bus-0666", uint64(1+10*n), 10)
			}
			publishBatch(t, hub.Conn(), "bus-0001", uint64(1+10*n), 10)
			select {
			case <-acks["bus-0001"]:
			case <-time.After(30 * time.Second):
				t.Fatalf("round %d: bus-0001 was not acked", n)
			}
		}
		round(0)
		round(1)
		if s := in.Stats(); s.Stored != 20 || s.Refused != 2 {
			t.Errorf("after two rounds: %+v, want 20 stored, 2 refused", s)
		}
		countTaps(t, st, "bus-0666", 0)
		countTaps(t, st, "bus-0001", 20)
		if n := strings.Count(log.String(), "decommissioned"); n != 1 || !strings.Contains(log.String(), "device=bus-0666") {
			t.Errorf("the refusal logged %d times, want once, naming the device:\n%s", n, log)
		}

		must(t, st.RevokeDevice(ctx, "bus-0001"))
		clk.Advance(3 * time.Second)
		publishBatch(t, hub.Conn(), "bus-0001", 21, 10)
		publishBatch(t, hub.Conn(), "bus-0666", 21, 10)
		waitStats(t, in, func(s ingest.Stats) bool { return s.Refused == 4 })
		countTaps(t, st, "bus-0001", 20)
		if n := rs.reads.Load(); n != 2 {
			t.Errorf("the revoked devices read %d times for 6 batches in 3 s, want 2 (at start and after 3 s)", n)
		}
		select {
		case a := <-acks["bus-0666"]:
			t.Errorf("the revoked device was acked %+v", a)
		case a := <-acks["bus-0001"]:
			t.Errorf("bus-0001 acked after its revocation: %+v", a)
		default:
		}
	})
}

// runIngest runs in until the test ends.
func runIngest(t *testing.T, in *ingest.Ingester) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

// ackChannels subscribes c to the acks of devices.
func ackChannels(t *testing.T, c tapsync.Conn, devices ...string) map[string]chan tapsync.Ack {
	t.Helper()
	chans := map[string]chan tapsync.Ack{}
	for _, dev := range devices {
		ch := make(chan tapsync.Ack, 16)
		chans[dev] = ch
		must(t, c.Subscribe(tapsync.AckTopic(dev), 1, func(_ string, b []byte) {
			if a, err := tapsync.DecodeAck(dev, b); err == nil {
				ch <- a
			}
		}))
	}
	return chans
}

func waitStats(t *testing.T, in *ingest.Ingester, ok func(ingest.Stats) bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok(in.Stats()) {
		if time.Now().After(deadline) {
			t.Fatalf("ingest stats %+v after 30 s", in.Stats())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func countTaps(t *testing.T, st *store.Store, device string, want int) {
	t.Helper()
	if n, err := st.CountTaps(context.Background(), store.TapQuery{Device: device}); err != nil || n != int64(want) {
		t.Errorf("%s: %d taps stored (%v), want %d", device, n, err, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

package ingest_test

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"karta/central/broker"
	"karta/central/ingest"
	"karta/central/store"
	"karta/offline"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
)

var pw = broker.Passwords{Secret: []byte("ingest-test-secret-0123456789abc")}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// central is an embedded broker, a SQLite store and an ingester.
type central struct {
	b  *broker.Broker
	st *store.Store
	in *ingest.Ingester
}

// startCentral starts them; saved, if given, is the ingester's Saved hook.
func startCentral(t *testing.T, saved ...func(tapsync.TapBatch, store.Saved, time.Time)) *central {
	t.Helper()
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: pw})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	c := &central{b: b, st: st, in: &ingest.Ingester{Conn: b.Conn(), Store: st, Log: quiet}}
	if len(saved) > 0 {
		c.in.Saved = saved[0]
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { c.in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return c
}

// device journals n taps and runs its link to central.
func device(t *testing.T, c *central, id string, n int) *offline.Journal {
	t.Helper()
	j := offlinetest.Journal(t, offline.JournalOptions{})
	for i := 0; i < n; i++ {
		tap := &offline.Tap{Time: time.Now(), Clock: "synced", Role: "bus", Token: "k1.AAAAAAAAAAAAAAAAAAAA", Allowed: true, Reason: "ok"}
		if _, err := j.Append(tap, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	l := &tapsync.Link{Device: id, Outbox: j, Log: quiet, Opts: tapsync.LinkOptions{Batch: 100, Poll: 10 * time.Millisecond},
		Dial: tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + c.b.Addr(), ClientID: id, Username: id, Password: pw.For(id)})}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return j
}

func drained(t *testing.T, js ...*offline.Journal) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for _, j := range js {
		for j.Stats().Backlog > 0 {
			if time.Now().After(deadline) {
				t.Fatalf("backlog %d after 30 s", j.Stats().Backlog)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// TestExactlyOnce: three devices sync through the embedded broker into
// SQLite; every tap is stored once, every journal empties.
func TestExactlyOnce(t *testing.T) {
	c := startCentral(t)
	js := []*offline.Journal{device(t, c, "bus-0001", 700), device(t, c, "bus-0002", 350), device(t, c, "school-39-in", 120)}
	drained(t, js...)
	if st := c.in.Stats(); st.Stored != 1170 || st.Refused != 0 {
		t.Errorf("ingest stats %+v, want 1170 stored", st)
	}
}

// TestReplayedBatch: an old batch published again is stored as duplicates
// only, and acked.
func TestReplayedBatch(t *testing.T) {
	c := startCentral(t)
	j := device(t, c, "bus-0001", 50)
	drained(t, j)
	dev, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + c.b.Addr(), ClientID: "bus-0007", Username: "bus-0007", Password: pw.For("bus-0007")})(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	acks := make(chan tapsync.Ack, 4)
	dev.Subscribe(tapsync.AckTopic("bus-0007"), 1, func(_ string, b []byte) {
		if a, err := tapsync.DecodeAck("bus-0007", b); err == nil {
			acks <- a
		}
	})
	batch := tapsync.TapBatch{V: 1, Device: "bus-0007", From: 1, To: 1, Taps: []offline.Tap{{Seq: 1, Role: "bus", Reason: "ok", Time: time.Now()}}}
	payload, _ := tapsync.Encode(batch)
	for i := 0; i < 3; i++ {
		if err := dev.Publish(tapsync.TapsTopic("bus-0007"), 1, false, payload); err != nil {
			t.Fatal(err)
		}
		select {
		case a := <-acks:
			if len(a.Ranges) != 1 || a.Ranges[0] != (tapsync.SeqRange{From: 1, To: 1}) {
				t.Fatalf("ack %+v", a)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no ack for sending %d", i+1)
		}
	}
	if st := c.in.Stats(); st.Stored != 51 {
		t.Errorf("stored %d taps, want 50 + 1 (the replays are duplicates)", st.Stored)
	}
}

// TestSavedAfterAck: the Saved hook runs after the round's acks are out;
// a slow hook does not hold an ack back.
func TestSavedAfterAck(t *testing.T) {
	release, seen := make(chan struct{}), make(chan store.Saved, 4)
	c := startCentral(t, func(_ tapsync.TapBatch, s store.Saved, received time.Time) {
		if received.IsZero() {
			t.Error("Saved without a receive time")
		}
		<-release
		seen <- s
	})
	var once sync.Once
	free := func() { once.Do(func() { close(release) }) }
	defer free() // a failing test must not leave the hook, and so ingest, blocked
	j := device(t, c, "bus-0001", 10)
	deadline := time.Now().Add(30 * time.Second)
	for j.Stats().Backlog > 0 { // acked while the hook is still blocked
		if time.Now().After(deadline) {
			t.Fatal("no ack while the Saved hook was busy")
		}
		time.Sleep(10 * time.Millisecond)
	}
	free()
	if s := <-seen; s.Device != "bus-0001" || s.New == 0 {
		t.Errorf("Saved %+v", s)
	}
}

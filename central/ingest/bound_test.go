package ingest_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"karta/central/ingest"
	"karta/central/store"
	"karta/offline"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

// gateStore holds its first round until released and records each
// round's batches and taps.
type gateStore struct {
	entered, release chan struct{}
	once             sync.Once
	mu               sync.Mutex
	rounds           [][2]int // batches, taps
}

func (g *gateStore) SaveTaps(ctx context.Context, bs []store.DeviceBatch) ([]store.Saved, error) {
	held := false
	g.once.Do(func() { close(g.entered); held = true })
	if held {
		select {
		case <-g.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	taps := 0
	saved := make([]store.Saved, len(bs))
	for i, b := range bs {
		taps += len(b.Taps)
		from, to := b.Taps[0].Seq, b.Taps[len(b.Taps)-1].Seq
		saved[i] = store.Saved{Device: b.Device, New: len(b.Taps), Ranges: []tapsync.SeqRange{{From: from, To: to}}}
	}
	g.mu.Lock()
	g.rounds = append(g.rounds, [2]int{len(bs), taps})
	g.mu.Unlock()
	return saved, nil
}

func (g *gateStore) RevokedDevices(context.Context) ([]string, error) { return nil, nil }

// after is how many taps were stored after the held round.
func (g *gateStore) after() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	taps := 0
	for _, r := range g.rounds[min(1, len(g.rounds)):] {
		taps += r[1]
	}
	return taps
}

func publishBatch(t *testing.T, c tapsync.Conn, device string, from uint64, n int) {
	t.Helper()
	b := tapsync.TapBatch{V: tapsync.V, Device: device, From: from, To: from + uint64(n) - 1}
	for i := range n {
		b.Taps = append(b.Taps, offline.Tap{Seq: from + uint64(i), Time: time.Now(), Role: "bus", Reason: "ok"})
	}
	payload, err := tapsync.Encode(b)
	if err == nil {
		err = c.Publish(tapsync.TapsTopic(device), 1, false, payload)
	}
	if err != nil {
		t.Fatal(err)
	}
}

// TestBounds: while the database is busy, at most QueueTaps taps wait
// (the rest are dropped, for their devices to send again), and rounds end
// at RoundTaps.
func TestBounds(t *testing.T) {
	hub := synctest.NewHub()
	g := &gateStore{entered: make(chan struct{}), release: make(chan struct{})}
	in := &ingest.Ingester{Conn: hub.Conn(), Store: g, Log: quiet, RoundTaps: 250, QueueTaps: 1000, Wait: 20 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()

	dev := hub.Conn()
	deadline := time.Now().Add(10 * time.Second)
	published := 0
	for ; ; published++ { // until ingest has subscribed and holds a round
		publishBatch(t, dev, "bus-0001", uint64(1+100*published), 100)
		select {
		case <-g.entered:
		case <-time.After(10 * time.Millisecond):
			if time.Now().After(deadline) {
				t.Fatal("ingest never stored a round")
			}
			continue
		}
		break
	}
	for i := range 12 { // 1,200 taps while the first round is held: 1,000 may wait
		publishBatch(t, dev, "bus-0002", uint64(1+100*i), 100)
	}
	close(g.release)
	for g.after() < 1000 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	batches, total := 0, 0
	for _, r := range g.rounds[1:] {
		batches, total = batches+r[0], total+r[1]
		if r[1] > 250+100-1 {
			t.Errorf("a round of %d taps, past RoundTaps 250 by more than a batch", r[1])
		}
	}
	if total != 1000 || len(g.rounds) < 5 {
		t.Errorf("after the held round: %d taps in rounds %v, want the 1,000 that may wait, in at least 4 rounds", total, g.rounds[1:])
	}
	offered := 12 + published + 1 - g.rounds[0][0] // the bus-0002 batches, and any bus-0001 batch after the held round
	if st := in.Stats(); st.Dropped != int64(offered-batches) {
		t.Errorf("dropped %d batches of %d offered while held, want %d", st.Dropped, offered, offered-batches)
	}
}

package sync_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"karta/offline"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

// slowCentral receives batches on a hub and acks as a central that is
// behind would: never the first sending of 1-10, 11-20 only after a
// while, 21-30 only once 1-10 came again; everything after that at once.
type slowCentral struct {
	conn     tapsync.Conn
	mu       sync.Mutex
	received map[uint64]int // batch From → times received
}

func (c *slowCentral) onTaps(_ string, b []byte) {
	m, err := tapsync.DecodeTapBatch("bus-0042", b)
	if err != nil {
		return
	}
	c.mu.Lock()
	c.received[m.From]++
	n, again := c.received[m.From], c.received[1] > 1
	c.mu.Unlock()
	switch {
	case m.From == 1 && n == 1, m.From == 21 && !again:
	case m.From == 11 && n == 1:
		time.AfterFunc(2*time.Second, func() { c.ack(m.From, m.To) })
	default:
		c.ack(m.From, m.To)
		if m.From == 1 {
			c.ack(21, 30)
		}
	}
}

func (c *slowCentral) ack(from, to uint64) {
	b, _ := tapsync.Encode(tapsync.Ack{V: tapsync.V, Device: "bus-0042", Ranges: []tapsync.SeqRange{{From: from, To: to}}})
	c.conn.Publish(tapsync.AckTopic("bus-0042"), 1, false, b)
}

func (c *slowCentral) times(from uint64) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.received[from]
}

// TestExpireResendsOnlyTheLateBatch: when the oldest batch's ack is late,
// the link sends that batch again and not the younger ones still waiting
// for theirs.
func TestExpireResendsOnlyTheLateBatch(t *testing.T) {
	hub := synctest.NewHub()
	c := &slowCentral{conn: hub.Conn(), received: map[uint64]int{}}
	must(t, c.conn.Subscribe(tapsync.TapsTopic("bus-0042"), 1, c.onTaps))
	j := offlinetest.Journal(t, offline.JournalOptions{})
	journalTaps(t, j, 30)
	l := &tapsync.Link{Device: "bus-0042", Outbox: j, Dial: hub.Dial, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Opts: tapsync.LinkOptions{Batch: 10, Window: 2, Poll: 20 * time.Millisecond, AckTimeout: 3 * time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	drained(t, j, 30*time.Second)
	if got := [3]int{c.times(1), c.times(11), c.times(21)}; got != [3]int{2, 1, 1} {
		t.Errorf("batches 1-10, 11-20, 21-30 received %v times, want [2 1 1]: only the late one again", got)
	}
}

// TestExpireBacksOff: a batch whose acks keep not coming is sent again
// after the ack timeout, then after twice, four times that; an ack brings
// the patience back.
func TestExpireBacksOff(t *testing.T) {
	hub := synctest.NewHub()
	central := hub.Conn()
	var mu sync.Mutex
	received := map[uint64]int{}
	must(t, central.Subscribe(tapsync.TapsTopic("bus-0042"), 1, func(_ string, b []byte) {
		m, err := tapsync.DecodeTapBatch("bus-0042", b)
		if err != nil {
			return
		}
		mu.Lock()
		received[m.From]++
		n := received[m.From]
		mu.Unlock()
		if m.From != 1 || n > 3 { // the first batch is acked at its fourth sending
			ack, _ := tapsync.Encode(tapsync.Ack{V: tapsync.V, Device: "bus-0042", Ranges: []tapsync.SeqRange{{From: m.From, To: m.To}}})
			central.Publish(tapsync.AckTopic("bus-0042"), 1, false, ack)
		}
	}))
	j := offlinetest.Journal(t, offline.JournalOptions{})
	journalTaps(t, j, 10)
	log := &logBuf{}
	l := &tapsync.Link{Device: "bus-0042", Outbox: j, Dial: hub.Dial, Log: slog.New(slog.NewTextHandler(log, nil)),
		Opts: tapsync.LinkOptions{Batch: 10, Poll: 10 * time.Millisecond, AckTimeout: 100 * time.Millisecond}}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	defer func() { cancel(); <-done }()
	drained(t, j, 30*time.Second)
	for _, want := range []string{"waited=100ms", "waited=200ms", "waited=400ms"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("no resend after %s:\n%s", strings.TrimPrefix(want, "waited="), log)
		}
	}
	if strings.Contains(log.String(), "waited=800ms") {
		t.Errorf("a fourth resend:\n%s", log)
	}
}

package sync_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"karta/internal/mosquittotest"
	"karta/offline"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func journalTaps(t *testing.T, j *offline.Journal, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		tap := &offline.Tap{Time: time.Now(), Clock: "synced", Role: "bus", Token: "k1.AAAAAAAAAAAAAAAAAAAA", Allowed: true, Reason: "ok"}
		if _, err := j.Append(tap, "", nil); err != nil {
			t.Fatal(err)
		}
	}
}

func startLink(t *testing.T, url string, j *offline.Journal, opts tapsync.LinkOptions) (*tapsync.Link, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	l := &tapsync.Link{Device: "bus-0042", Outbox: j, Opts: opts,
		Dial: tapsync.DialMQTT(tapsync.MQTTOptions{URL: url, ClientID: "bus-0042", Timeout: 2 * time.Second}),
		Log:  slog.New(slog.NewTextHandler(io.Discard, nil))}
	done := make(chan struct{})
	go func() { l.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return l, cancel
}

// drained waits until the journal holds nothing unacked.
func drained(t *testing.T, j *offline.Journal, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for j.Stats().Backlog > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("backlog still %d after %s", j.Stats().Backlog, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestLinkDrainsJournal(t *testing.T) {
	b := mosquittotest.Start(t)
	c := synctest.Start(t, b.URL())
	j := offlinetest.Journal(t, offline.JournalOptions{})
	journalTaps(t, j, 1200)
	startLink(t, b.URL(), j, tapsync.LinkOptions{Batch: 100, Poll: 20 * time.Millisecond})
	drained(t, j, 20*time.Second)
	if c.Distinct("bus-0042") != 1200 {
		t.Errorf("central stored %d distinct taps, want 1200", c.Distinct("bus-0042"))
	}
	select {
	case st := <-c.Status:
		if !st.Online || st.Device != "bus-0042" {
			t.Errorf("status %+v", st)
		}
	case <-time.After(5 * time.Second):
		t.Error("no retained status")
	}
}

// TestLinkSurvivesBrokerOutage: the broker dies while taps are in flight;
// the device keeps journaling; when the broker is back every tap reaches
// central and the journal empties.
func TestLinkSurvivesBrokerOutage(t *testing.T) {
	b := mosquittotest.Start(t)
	j := offlinetest.Journal(t, offline.JournalOptions{})
	journalTaps(t, j, 300)
	startLink(t, b.URL(), j, tapsync.LinkOptions{Batch: 50, Poll: 20 * time.Millisecond, MinBackoff: 50 * time.Millisecond, MaxBackoff: 200 * time.Millisecond, AckTimeout: time.Second})
	b.Stop()
	journalTaps(t, j, 300) // the device works on while the link is down
	b.Restart()
	c := synctest.Start(t, b.URL())
	drained(t, j, 30*time.Second)
	// No central listened before the outage, so nothing was acked: every
	// one of the 600 taps came through after it.
	if c.Distinct("bus-0042") != 600 || j.Stats().NextSeq != 601 {
		t.Errorf("central stored %d distinct taps, next seq %d; want 600 and 601", c.Distinct("bus-0042"), j.Stats().NextSeq)
	}
}

// TestLinkResendsUnacked: acks that never come make the device send again;
// central sees duplicates and stores each tap once.
func TestLinkResendsUnacked(t *testing.T) {
	b := mosquittotest.Start(t)
	c := synctest.Start(t, b.URL())
	c.DropAcks.Store(3)
	j := offlinetest.Journal(t, offline.JournalOptions{})
	journalTaps(t, j, 250)
	startLink(t, b.URL(), j, tapsync.LinkOptions{Batch: 50, Window: 2, Poll: 20 * time.Millisecond, AckTimeout: 300 * time.Millisecond})
	drained(t, j, 20*time.Second)
	if n, dups := c.Distinct("bus-0042"), c.Duplicates("bus-0042"); n != 250 || dups == 0 {
		t.Errorf("%d distinct, %d duplicates; want 250 and some resends", n, dups)
	}
}

package alerts_test

import (
	"testing"
	"time"

	"karta/central/alerts"
	"karta/central/store"
	tapsync "karta/sync"
)

// TestNeverBlocks: with its queue full and nobody checking, a Checker
// drops and counts; a batch with nothing new is not even queued.
func TestNeverBlocks(t *testing.T) {
	c := alerts.NewChecker(nil, alerts.Options{Queue: 2})
	b := tapsync.TapBatch{Device: "bus-0001", From: 1, To: 1}
	for range 5 {
		c.Batch(b, store.Saved{Device: "bus-0001", New: 1}, time.Now())
	}
	c.Batch(b, store.Saved{Device: "bus-0001", Dup: 1}, time.Now())
	c.Status(tapsync.Status{Device: "bus-0001"}, time.Now())
	if st := c.Stats(); st.Dropped != 4 || st.Checked != 0 {
		t.Errorf("stats %+v, want 4 dropped", st)
	}
}

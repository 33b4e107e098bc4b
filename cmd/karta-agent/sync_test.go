package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"karta/internal/mosquittotest"
	"karta/offline"
	"karta/sync/synctest"
)

// TestRunSyncs runs a bus validator with a link to a real Mosquitto: taps
// reach the (stand-in) central and, acked, leave the journal; the retained
// status says the device is online.
func TestRunSyncs(t *testing.T) {
	b := mosquittotest.Start(t)
	central := synctest.Start(t, b.URL())
	d := provision(t, "bus", 0, "20ms", "mir-debit", "mir-credit", "visa-gpo-track2")
	cfg, err := os.ReadFile(d.config)
	must(t, err)
	cfg = []byte(strings.Replace(string(cfg), "[[readers]]", "[sync]\nbroker = \""+b.URL()+"\"\n\n[[readers]]", 1))
	must(t, os.WriteFile(d.config, cfg, 0o640))

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() { done <- run(ctx, []string{"run", "--config", d.config}, io.Discard, io.Discard) }()
	deadline := time.Now().Add(20 * time.Second)
	for central.Distinct("test-bus") < 30 {
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("central has %d taps after 20 s", central.Distinct("test-bus"))
		}
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	// Every tap ever journaled is at central or still in the journal.
	left := map[uint64]bool{}
	for _, tap := range d.journal(t) {
		left[tap.Seq] = true
	}
	j, err := offline.OpenJournal(d.data+"/journal.db", offline.JournalOptions{ReadOnly: true})
	must(t, err)
	next := j.Stats().NextSeq
	j.Close()
	for seq := uint64(1); seq < next; seq++ {
		if !left[seq] && !central.Has("test-bus", seq) {
			t.Fatalf("tap %d is neither at central nor in the journal", seq)
		}
	}
	select {
	case st := <-central.Status:
		if st.Device != "test-bus" || st.Role != "bus" {
			t.Errorf("status %+v", st)
		}
	case <-time.After(5 * time.Second):
		t.Error("no status from the device")
	}
}

package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/internal/mosquittotest"
	"karta/offline"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
)

// TestTwoInstancesSharedSubscription runs two karta-central instances on
// one Mosquitto (shared subscription) and one PostgreSQL: four devices'
// taps are split between them and every tap is stored exactly once.
func TestTwoInstancesSharedSubscription(t *testing.T) {
	b := mosquittotest.Start(t)
	dsn := storetest.PostgresDSN(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 2)
	for i := 0; i < 2; i++ {
		go func() {
			done <- run(ctx, []string{"serve", "--db", dsn, "--mqtt-url", b.URL()}, io.Discard, io.Discard)
		}()
	}
	// No wait for the instances to subscribe: batches sent before are not
	// acked, and the devices send them again after their ack timeout.
	var journals []*offline.Journal
	for i := 0; i < 4; i++ {
		journals = append(journals, syncingDevice(t, b.URL(), fmt.Sprintf("bus-%04d", i), 500))
	}
	deadline := time.Now().Add(60 * time.Second)
	for _, j := range journals {
		for j.Stats().Backlog > 0 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
	}
	cancel()
	for i := 0; i < 2; i++ {
		if code := <-done; code != 0 {
			t.Errorf("an instance exited %d", code)
		}
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for i := range journals {
		dev := fmt.Sprintf("bus-%04d", i)
		n, err := st.CountTaps(context.Background(), store.TapQuery{Device: dev})
		if err != nil || n != 500 || journals[i].Stats().Backlog != 0 {
			t.Errorf("%s: %d taps stored (%v), backlog %d; want 500 and 0", dev, n, err, journals[i].Stats().Backlog)
		}
	}
}

// syncingDevice journals n taps and runs the device's link to url.
func syncingDevice(t *testing.T, url, id string, n int) *offline.Journal {
	t.Helper()
	return syncingDeviceTo(t, tapsync.MQTTOptions{URL: url, ClientID: id}, id, n)
}

// syncingDeviceTo is syncingDevice on a broker reached with o.
func syncingDeviceTo(t *testing.T, o tapsync.MQTTOptions, id string, n int) *offline.Journal {
	t.Helper()
	j := offlinetest.Journal(t, offline.JournalOptions{})
	for i := 0; i < n; i++ {
		if _, err := j.Append(&offline.Tap{Time: time.Now(), Clock: "synced", Role: "bus", Token: "k1.AAAAAAAAAAAAAAAAAAAA", Allowed: true, Reason: "ok"}, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	l := &tapsync.Link{Device: id, Outbox: j, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Dial: tapsync.DialMQTT(o),
		Opts: tapsync.LinkOptions{Batch: 100, Poll: 10 * time.Millisecond, AckTimeout: time.Second}}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { l.Run(ctx); close(stopped) }()
	t.Cleanup(func() { cancel(); <-stopped })
	return j
}

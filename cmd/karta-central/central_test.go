package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/internal/syncbuf"
	"karta/offline"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
)

var brokerAddr = regexp.MustCompile(`mqtt://(\S+)`)

// TestServe runs karta-central on its embedded defaults (broker, SQLite):
// a device with the password device-password gives it syncs its journal;
// every tap is stored once, the device's status is in the registry, and
// central stops gracefully.
func TestServe(t *testing.T) {
	dir := t.TempDir()
	db, secret := filepath.Join(dir, "var", "central.db"), filepath.Join(dir, "var", "central.secret")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncbuf.Buffer{}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--listen", "127.0.0.1:0", "--secret-file", secret}, out, io.Discard)
	}()
	addr := waitAddr(t, out)

	var pw bytes.Buffer
	if code := run(context.Background(), []string{"device-password", "--secret-file", secret, "--id", "bus-0042"}, &pw, os.Stderr); code != 0 {
		t.Fatal("device-password failed")
	}
	j := offlinetest.Journal(t, offline.JournalOptions{})
	for i := 0; i < 300; i++ {
		if _, err := j.Append(&offline.Tap{Time: time.Now(), Clock: "synced", Role: "bus", Token: "k1.AAAAAAAAAAAAAAAAAAAA", Allowed: true, Reason: "ok"}, "", nil); err != nil {
			t.Fatal(err)
		}
	}
	link := &tapsync.Link{Device: "bus-0042", Outbox: j, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Status: func() tapsync.Status { return tapsync.Status{Role: "bus", Backlog: j.Stats().Backlog} },
		Dial:   tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + addr, ClientID: "bus-0042", Username: "bus-0042", Password: strings.TrimSpace(pw.String())}),
		Opts:   tapsync.LinkOptions{Batch: 50, Poll: 10 * time.Millisecond}}
	lctx, lcancel := context.WithCancel(context.Background())
	ldone := make(chan struct{})
	go func() { link.Run(lctx); close(ldone) }()
	deadline := time.Now().Add(30 * time.Second)
	for j.Stats().Backlog > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	lcancel()
	<-ldone
	cancel()
	if code := <-done; code != 0 || j.Stats().Backlog != 0 {
		t.Fatalf("exit %d, device backlog %d", code, j.Stats().Backlog)
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	n, err := st.CountTaps(context.Background(), store.TapQuery{Device: "bus-0042"})
	d, derr := st.Device(context.Background(), "bus-0042")
	if err != nil || n != 300 || derr != nil || d.Role != "bus" {
		t.Errorf("central stored %d taps (%v); device %+v (%v)", n, err, d, derr)
	}
	st.Close()
	var out2 bytes.Buffer
	if code := run(context.Background(), []string{"stats", "--db", db}, &out2, os.Stderr); code != 0 || !regexp.MustCompile(`bus-0042\s+bus\s+\w+\s+\S+\s+\d+\s+300`).MatchString(out2.String()) {
		t.Errorf("stats: exit %d\n%s", code, out2.String())
	}
}

func waitAddr(t *testing.T, out *syncbuf.Buffer) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := brokerAddr.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("central did not say where devices connect:\n%s", out)
	return ""
}

func TestMosquittoConfCommand(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	if code := run(context.Background(), []string{"mosquitto-conf", "--dir", dir, "--port", "8884"}, &out, os.Stderr); code != 0 {
		t.Fatal("mosquitto-conf failed")
	}
	conf, _ := os.ReadFile(filepath.Join(dir, "mosquitto.conf"))
	acl, _ := os.ReadFile(filepath.Join(dir, "karta.acl"))
	if !strings.Contains(string(conf), "listener 8884") || !strings.Contains(string(conf), "use_identity_as_username true") ||
		!strings.Contains(string(acl), "pattern write karta/v1/dev/%u/taps") {
		t.Errorf("conf:\n%s\nacl:\n%s", conf, acl)
	}
}

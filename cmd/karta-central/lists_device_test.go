package main

import (
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/agent"
	"karta/central/lists"
	"karta/internal/syncbuf"
	"karta/offline"
	"karta/offline/bundle/bundletest"
	"karta/offline/offlinetest"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

// TestListsReachDevice: the registry imported, the lists built with
// karta-central lists build and published by karta-central serve reach a
// device's downlink over the embedded broker — first the snapshot, then,
// after a change, only the delta, and after a refresh the empty delta —
// and the device holds what central's registry says.
func TestListsReachDevice(t *testing.T) {
	dir := t.TempDir()
	db, secret, key := filepath.Join(dir, "central.db"), filepath.Join(dir, "central.secret"), signingKey(t)
	mustRun(t, "import", "--db", db, "--token-key", "testdata/token.key", "testdata/registry.csv")
	mustRun(t, "lists", "build", "--db", db, "--signing-key", key)

	ctx, cancel := context.WithCancel(context.Background())
	out := &syncbuf.Buffer{}
	done := make(chan int)
	go func() { // no --signing-key: it publishes what lists build stored
		done <- run(ctx, []string{"serve", "--db", db, "--listen", "127.0.0.1:0", "--secret-file", secret}, out, io.Discard)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d", code)
		}
	}()
	addr := waitAddr(t, out)
	pw, _ := mustRun(t, "device-password", "--secret-file", secret, "--id", "bus-0042")

	devLists, got := startDevice(t, "tcp://"+addr, "bus-0042", strings.TrimSpace(pw))
	waitFor(t, func() bool { return version(devLists, lists.BusFleet) == 1 }, func() string { return "installs: " + got.String() })

	added := bundletest.Entry(5) // a bus card
	mustRun(t, "import", "--db", db, "--partial", writeFile(t, "more.jsonl", `{"token":"`+added.Token+`","bus_discount":"100"}`+"\n"))
	mustRun(t, "lists", "build", "--db", db, "--signing-key", key)
	waitFor(t, func() bool { return version(devLists, lists.BusFleet) == 2 }, func() string { return "installs: " + got.String() })
	mustRun(t, "lists", "build", "--db", db, "--signing-key", key, "--refresh") // an empty delta, a new expiry
	waitFor(t, func() bool { return version(devLists, lists.BusFleet) == 3 }, func() string { return "installs: " + got.String() })
	if got.String() != "0→1 1→2 2→3" {
		t.Errorf("the device installed %s, want the snapshot v1 and then the deltas 1→2, 2→3", got)
	}
	if e, err := devLists.Get(lists.BusFleet, added.Token); err != nil || e == nil || e.Bus == nil || e.Bus.Discount != 100 {
		t.Errorf("the added card on the device: %+v, %v", e, err)
	}
}

// startDevice runs a device's link with a downlink for bus-fleet.
func startDevice(t *testing.T, url, id, password string) (*offline.Lists, *synctest.Installs) {
	t.Helper()
	ring := bundletest.Ring(t, bundletest.Key(t))
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	ls := offlinetest.Lists(t, nil)
	rec := &synctest.Installs{In: &agent.Inbox{Lists: ls, Keys: ring, Now: time.Now, Log: quiet}}
	j := offlinetest.Journal(t, offline.JournalOptions{})
	link := &tapsync.Link{Device: id, Outbox: j, Log: quiet,
		Status: func() tapsync.Status { return tapsync.Status{Role: "bus", Time: time.Now()} },
		Dial:   tapsync.DialMQTT(tapsync.MQTTOptions{URL: url, ClientID: id, Username: id, Password: password, Timeout: 5 * time.Second}),
		Down: &tapsync.Downlink{Ring: ring, Dir: filepath.Join(t.TempDir(), "downlink"), Installed: ls, Install: rec,
			Lists: func() []string { return []string{lists.BusFleet} }},
		Opts: tapsync.LinkOptions{Poll: 20 * time.Millisecond, MinBackoff: 50 * time.Millisecond}}
	ctx, cancel := context.WithCancel(context.Background())
	stopped := make(chan struct{})
	go func() { link.Run(ctx); close(stopped) }()
	t.Cleanup(func() { cancel(); <-stopped })
	return ls, rec
}

func version(ls *offline.Lists, list string) uint64 {
	st, _ := ls.State(list)
	return st.Version
}

func waitFor(t *testing.T, ok func() bool, why func() string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !ok(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("timed out; " + why())
		}
	}
}

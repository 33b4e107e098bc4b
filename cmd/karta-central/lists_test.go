package main

import (
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/central/lists"
	"karta/central/store/storetest"
	"karta/internal/syncbuf"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
)

func TestListsBuildAndShow(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	key := signingKey(t)
	mustRun(t, "import", "--db", dsn, "--token-key", "testdata/token.key", "testdata/registry.csv")
	out, _ := mustRun(t, "lists", "build", "--db", dsn, "--signing-key", key)
	for _, want := range []string{"bus-fleet  v1       first", "school-39  v1       first"} {
		if !strings.Contains(out, want) {
			t.Errorf("first build lacks %q:\n%s", want, out)
		}
	}
	out, _ = mustRun(t, "lists", "build", "--db", dsn, "--signing-key", key)
	if strings.Count(out, "unchanged") != 2 {
		t.Errorf("an unchanged build:\n%s", out)
	}
	mustRun(t, "import", "--db", dsn, "--partial", writeFile(t, "more.csv", "token,bus_discount\n"+bundletest.Token(3)+",100\n"))
	out, _ = mustRun(t, "lists", "build", "--db", dsn, "--signing-key", key)
	if !strings.Contains(out, "bus-fleet  v2       changed") || !strings.Contains(out, "v1→v2: 1 put, 0 deletes") {
		t.Errorf("after one more bus card:\n%s", out)
	}
	out, _ = mustRun(t, "lists", "build", "--db", dsn, "--signing-key", key, "--refresh", "--expires", "48h")
	if strings.Count(out, "refreshed") != 2 {
		t.Errorf("a refresh:\n%s", out)
	}
	out, _ = mustRun(t, "lists", "show", "--db", dsn, "--list", "bus-fleet")
	for _, want := range []string{"bus-fleet  v3       snapshot       5", "bus-fleet  v3       delta from v2  0", "bus-fleet  v1       snapshot       4"} {
		if !strings.Contains(out, want) {
			t.Errorf("lists show lacks %q:\n%s", want, out)
		}
	}
	if _, errOut, code := central(t, "lists", "build", "--db", dsn); code != 2 || !strings.Contains(errOut, "--signing-key is required") {
		t.Errorf("build without a key: exit %d, %s", code, errOut)
	}
}

// TestServePublishesLists: karta-central serve with a signing key builds
// the imported registry's lists and a device finds their offers, signed by
// the key it pins.
func TestServePublishesLists(t *testing.T) {
	dir := t.TempDir()
	db, secret := filepath.Join(dir, "central.db"), filepath.Join(dir, "central.secret")
	mustRun(t, "import", "--db", db, "--token-key", "testdata/token.key", "testdata/registry.csv")
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncbuf.Buffer{}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--listen", "127.0.0.1:0", "--secret-file", secret,
			"--signing-key", signingKey(t)}, out, io.Discard)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d", code)
		}
	}()
	addr := waitAddr(t, out)
	pw, _ := mustRun(t, "device-password", "--secret-file", secret, "--id", "bus-0042")
	dev, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + addr, ClientID: "bus-0042", Username: "bus-0042",
		Password: strings.TrimSpace(pw), Timeout: 5 * time.Second})(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer dev.Close()
	offers := make(chan []byte, 4)
	if err := dev.Subscribe(tapsync.ManifestTopic(lists.BusFleet), 1, func(_ string, p []byte) { offers <- p }); err != nil {
		t.Fatal(err)
	}
	select {
	case p := <-offers:
		o, err := tapsync.DecodeListOffer(lists.BusFleet, p)
		if err != nil {
			t.Fatal(err)
		}
		m, err := bundle.VerifyManifest(o.Manifests[0], bundletest.Ring(t, bundletest.Key(t)), time.Now())
		if err != nil || m.Version != 1 || m.Ops != 4 {
			t.Errorf("offered %+v, %v", m, err)
		}
	case <-time.After(20 * time.Second):
		t.Fatal("no offer of bus-fleet")
	}
}

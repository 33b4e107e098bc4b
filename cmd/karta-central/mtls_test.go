package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/central/broker"
	"karta/central/pki"
	"karta/central/store"
	"karta/internal/mosquittotest"
	"karta/internal/syncbuf"
	tapsync "karta/sync"
)

// TestServeMosquittoMTLS: central on the Mosquitto that mosquitto-conf
// describes — client certificates only, the ACL by common name — with
// its own certificate; a device with its certificate syncs every tap.
func TestServeMosquittoMTLS(t *testing.T) {
	dir := t.TempDir()
	ca, err := pki.NewCA("karta fleet CA", 1)
	must(t, err)
	certs := map[string]*pki.Cert{"ca": ca}
	certs["server"], err = ca.Server([]string{"127.0.0.1", "localhost"}, 1)
	must(t, err)
	for _, id := range []string{"karta-central", "bus-0042"} {
		certs[id], err = ca.Client(id, 1)
		must(t, err)
	}
	for name, c := range certs {
		must(t, c.Save(dir, name))
	}
	acl := filepath.Join(dir, "karta.acl")
	must(t, os.WriteFile(acl, []byte(broker.MosquittoACL("")), 0o644))
	b := mosquittotest.StartConfig(t, func(port int) string {
		return broker.MosquittoConf(broker.MosquittoOptions{Port: port, ACLFile: acl,
			CAFile: filepath.Join(dir, "ca.pem"), CertFile: filepath.Join(dir, "server.pem"), KeyFile: filepath.Join(dir, "server.key")})
	})
	url := "ssl://" + b.Addr()
	db := filepath.Join(dir, "central.db")
	ctx, cancel := context.WithCancel(context.Background())
	log, done := &syncbuf.Buffer{}, make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", db, "--mqtt-url", url, "--mqtt-ca", filepath.Join(dir, "ca.pem"),
			"--mqtt-cert", filepath.Join(dir, "karta-central.pem"), "--mqtt-key", filepath.Join(dir, "karta-central.key")}, io.Discard, log)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("serve exit %d:\n%s", code, log)
		}
	}()
	tc, err := tapsync.TLSFiles{CA: filepath.Join(dir, "ca.pem"), Cert: filepath.Join(dir, "bus-0042.pem"), Key: filepath.Join(dir, "bus-0042.key")}.Config()
	must(t, err)
	j := syncingDeviceTo(t, tapsync.MQTTOptions{URL: url, ClientID: "bus-0042", TLS: tc}, "bus-0042", 120)
	deadline := time.Now().Add(time.Minute)
	for j.Stats().Backlog > 0 {
		if time.Now().After(deadline) {
			t.Fatalf("backlog %d after a minute; central's log:\n%s", j.Stats().Backlog, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
	st, err := store.Open(context.Background(), db)
	must(t, err)
	defer st.Close()
	if n, err := st.CountTaps(context.Background(), store.TapQuery{Device: "bus-0042"}); n != 120 || err != nil {
		t.Errorf("central stored %d taps (%v), want 120", n, err)
	}
	if strings.Contains(log.String(), "connecting again") {
		t.Errorf("central lost its connection:\n%s", log)
	}
}

// TestExternalOptions: what serve's --mqtt-* flags make, and their errors.
func TestExternalOptions(t *testing.T) {
	pw := filepath.Join(t.TempDir(), "pw")
	must(t, os.WriteFile(pw, []byte("s3cret\n"), 0o600))
	o, err := externalOptions(serveFlags{mqttURL: "tcp://broker:1883", mqttUser: "central", mqttPasswordFile: pw})
	if err != nil || o.Username != "central" || o.Password != "s3cret" || o.TLS != nil {
		t.Errorf("password options: %+v, %v", o, err)
	}
	for _, f := range []serveFlags{
		{mqttURL: "ssl://b", mqttPasswordFile: "/nonexistent"},
		{mqttURL: "ssl://b", mqttTLS: tapsync.TLSFiles{CA: "/nonexistent/ca.pem"}},
		{mqttURL: "ssl://b", mqttTLS: tapsync.TLSFiles{Cert: "/nonexistent/c.pem", Key: "/nonexistent/c.key"}},
		{mqttURL: "ssl://b", mqttTLS: tapsync.TLSFiles{CA: pw}}, // no certificate in it
	} {
		if _, err := externalOptions(f); err == nil {
			t.Errorf("%s accepted", fmt.Sprint(f.mqttTLS, f.mqttPasswordFile))
		}
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

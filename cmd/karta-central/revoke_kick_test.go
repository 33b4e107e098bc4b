package main

import (
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/central/api"
	"karta/central/broker"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/internal/syncbuf"
	tapsync "karta/sync"
)

// TestRevokeKicksAtOnce: decommissioning through the API drops a
// connected device from the embedded broker within the request — no
// control loop runs here to do it later — and the broker refuses it when
// it comes back; another device stays. As in serve, the API answers
// while the broker starts and sets the kick (-race checks that).
func TestRevokeKicksAtOnce(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, storetest.DSN(t, "sqlite"))
	for _, id := range []string{"bus-0042", "bus-0043", "bus-0044"} {
		must(t, st.PutDevice(ctx, store.Device{ID: id, Role: "bus"}))
	}
	log := slog.New(slog.DiscardHandler)
	secretFile := filepath.Join(t.TempDir(), "central.secret")
	c := &instance{f: serveFlags{listen: "127.0.0.1:0", secretFile: secretFile}, st: st, log: log, steer: newSteering(st, log)}
	srv := httptest.NewServer(api.Handler(api.Options{Store: st, Fleet: c.fleet(), Log: log}))
	defer srv.Close()

	early := make(chan api.Decommissioned, 1)
	go func() { early <- decommission(t, srv.URL, "bus-0044") }() // while the broker starts
	out := &syncbuf.Buffer{}
	_, stop, err := c.embedded(out)
	must(t, err)
	defer stop()
	if d := <-early; !d.Revoked {
		t.Fatalf("bus-0044 not decommissioned: %+v", d)
	}
	secret, err := broker.LoadSecret(secretFile)
	must(t, err)
	url := "tcp://" + waitAddr(t, out)
	connect := func(id string) (tapsync.Conn, error) { // a device with its password
		return tapsync.DialMQTT(tapsync.MQTTOptions{URL: url, ClientID: id, Username: id, Password: broker.Passwords{Secret: secret}.For(id), Timeout: 5 * time.Second})(ctx, "", nil)
	}
	dev, err := connect("bus-0042")
	must(t, err)
	defer dev.Close()
	other, err := connect("bus-0043")
	must(t, err)
	defer other.Close()

	if d := decommission(t, srv.URL, "bus-0042"); !d.Revoked || !strings.Contains(d.Note, "dropped it") {
		t.Errorf("decommissioned: %+v, want it dropped by the request", d)
	}
	select {
	case <-dev.Lost():
	case <-time.After(10 * time.Second):
		t.Fatal("the decommissioned device is still connected")
	}
	if again, err := connect("bus-0042"); err == nil {
		again.Close()
		t.Error("the decommissioned device connected again")
	}
	select {
	case <-other.Lost():
		t.Error("another device was dropped")
	default:
	}
}

// decommission is karta decommission's request.
func decommission(t *testing.T, base, id string) api.Decommissioned {
	req, err := http.NewRequest(http.MethodDelete, base+"/api/v1/devices/"+id, nil)
	if err != nil {
		t.Error(err)
		return api.Decommissioned{}
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return api.Decommissioned{}
	}
	defer res.Body.Close()
	var d api.Decommissioned
	if err := json.NewDecoder(res.Body).Decode(&d); err != nil || res.StatusCode != http.StatusOK {
		t.Errorf("DELETE %s: %d, %v", id, res.StatusCode, err)
	}
	return d
}

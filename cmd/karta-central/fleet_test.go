package main

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/central/api"
	"karta/central/broker"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
)

// TestFleetRegister: who may register, on SQLite and PostgreSQL; the
// password answered is the one the embedded broker checks.
func TestFleetRegister(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		secretFile := filepath.Join(t.TempDir(), "central.secret")
		secret, err := broker.LoadSecret(secretFile)
		if err != nil {
			t.Fatal(err)
		}
		f := (&instance{st: st, f: serveFlags{secretFile: secretFile}}).fleet()
		must(t, st.PutDevice(ctx, store.Device{ID: "bus-seen", Role: "bus", Route: "3"}))
		must(t, st.UpdateStatus(ctx, tapsync.Status{V: 1, Device: "bus-seen", Online: true, Role: "bus"}, storetest.T0))
		if _, err := st.SaveTaps(ctx, []store.DeviceBatch{storetest.Batch("bus-taps", 1, 3, storetest.T0)}); err != nil {
			t.Fatal(err)
		}
		must(t, st.PutDevice(ctx, store.Device{ID: "bus-ahead", Role: "bus"}))
		must(t, st.PutDevice(ctx, store.Device{ID: "bus-gone", Role: "bus"}))
		must(t, st.RevokeDevice(ctx, "bus-gone"))
		tests := []struct {
			r       api.Registration
			want    error
			new     bool
			hasText string
		}{
			{api.Registration{ID: "bus-new", Role: "bus", Route: "12"}, nil, true, ""},
			{api.Registration{ID: "bus-new", Role: "bus", Route: "12"}, nil, false, ""}, // a re-run: never connected
			{api.Registration{ID: "bus-ahead", Role: "bus", Route: "4"}, nil, false, ""},
			{api.Registration{ID: "bus-seen", Role: "bus", Route: "3"}, api.ErrInService, false, "last seen"},
			{api.Registration{ID: "bus-taps", Role: "bus", Route: "3"}, api.ErrInService, false, "3 taps"},
			{api.Registration{ID: "bus-seen", Role: "bus", Route: "3", Replace: true}, nil, false, ""},
			{api.Registration{ID: "bus-gone", Role: "bus", Route: "3", Replace: true}, api.ErrDecommissioned, false, "never reused"},
			{api.Registration{ID: "gate-1", Role: "turnstile", Route: "3"}, store.ErrInvalid, false, "not a route"},
		}
		for _, tt := range tests {
			got, err := f.Register(ctx, tt.r)
			if !errors.Is(err, tt.want) || err != nil && !strings.Contains(err.Error(), tt.hasText) {
				t.Errorf("%+v: %v, want %v (%q)", tt.r, err, tt.want, tt.hasText)
				continue
			}
			if err != nil {
				continue
			}
			if got.New != tt.new || got.BrokerPassword != (broker.Passwords{Secret: secret}).For(tt.r.ID) || got.Lists[0] != "bus-fleet" {
				t.Errorf("%+v: %+v", tt.r, got)
			}
			if d, err := st.Device(ctx, tt.r.ID); err != nil || d.Route != tt.r.Route || d.Role != tt.r.Role {
				t.Errorf("%s in the registry: %+v, %v", tt.r.ID, d, err)
			}
		}
	})
}

func TestFleetExternalBrokerHasNoPasswords(t *testing.T) {
	st := storetest.Open(t, storetest.DSN(t, "sqlite"))
	f := (&instance{st: st, f: serveFlags{mqttURL: "ssl://broker:8883", secretFile: "/nonexistent"}}).fleet()
	got, err := f.Register(context.Background(), api.Registration{ID: "gate-1", Role: "turnstile", School: "school-39"})
	if err != nil || got.BrokerPassword != "" || got.Lists[0] != "school-39" {
		t.Errorf("%+v, %v", got, err)
	}
	d, err := f.Decommission(context.Background(), "gate-1")
	if err != nil || !strings.Contains(d.Note, "external broker") {
		t.Errorf("%+v, %v", d, err)
	}
}

func TestFleetDecommissionAndSnapshot(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f := (&instance{st: st, f: serveFlags{secretFile: filepath.Join(t.TempDir(), "s")}}).fleet()
		must(t, st.PutDevice(ctx, store.Device{ID: "bus-1", Role: "bus"}))
		for range 2 { // a second time is a re-run, no error
			d, err := f.Decommission(ctx, "bus-1")
			if err != nil || !d.Revoked {
				t.Fatalf("%+v, %v", d, err)
			}
		}
		if d, _ := st.Device(ctx, "bus-1"); !d.Revoked {
			t.Error("not revoked in the store")
		}
		if _, err := f.Decommission(ctx, "bus-9"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("unknown device: %v", err)
		}
		if _, err := f.Snapshot(ctx, "bus-fleet"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no list stored: %v", err)
		}
		key := bundletest.Key(t)
		b := bundletest.Snapshot(t, key, "bus-fleet", 1, bundletest.Entries(20), time.Now().Add(time.Hour))
		must(t, st.SaveList(ctx, store.ListRow{List: "bus-fleet", Version: 1, Issued: storetest.T0, Expires: storetest.T0.Add(time.Hour),
			Ops: 20, Signed: b.Signed, Chunks: b.Chunks}))
		got, err := f.Snapshot(ctx, "bus-fleet")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bundle.Open(got, bundletest.Ring(t, key), time.Now()); err != nil {
			t.Errorf("the snapshot does not verify: %v", err)
		}
	})
}

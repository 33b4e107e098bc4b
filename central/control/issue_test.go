package control_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"karta/central/control"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
)

var t0 = time.Date(2026, 12, 2, 9, 0, 0, 0, time.UTC)

const busRules = "role = \"bus\"\nlists = [\"bus-fleet\"]\n[bus]\nfull_fare = 4000\n"

func registry(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, d := range []store.Device{{ID: "bus-0001", Role: "bus", Route: "112"}, {ID: "school-39-c1", Role: "canteen", School: "school-39"},
		{ID: "bus-0666", Role: "bus"}, {ID: "bus-0000"}} {
		if err := s.PutDevice(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RevokeDevice(ctx, "bus-0666"); err != nil {
		t.Fatal(err)
	}
}

// TestIssueConfig: each config is the stored version + 1, signed so that
// a device with the public key accepts it.
func TestIssueConfig(t *testing.T) {
	ctx := context.Background()
	key := bundletest.Key(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		registry(t, s)
		is := &control.Issuer{Store: s, Key: key, Now: func() time.Time { return t0 }}
		for want := uint64(1); want <= 3; want++ {
			c, err := is.Config(ctx, "bus-0001", busRules)
			if err != nil || c.Version != want {
				t.Fatalf("config %d: %+v, %v", want, c, err)
			}
			v, signed, err := s.Config(ctx, "bus-0001")
			if err != nil || v != want {
				t.Fatalf("stored version %d, %v", v, err)
			}
			got, err := tapsync.DecodeConfig("bus-0001", signed, bundletest.Ring(t, key))
			if err != nil || got.Version != want || got.Rules != busRules || !got.Issued.Equal(t0) {
				t.Fatalf("decoded %+v, %v", got, err)
			}
		}
	})
}

func TestIssueRefused(t *testing.T) {
	ctx := context.Background()
	key := bundletest.Key(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		registry(t, s)
		is := &control.Issuer{Store: s, Key: key}
		cases := []struct {
			name string
			err  error
			want error
		}{
			{"config for another role", second(is.Config(ctx, "school-39-c1", busRules)), control.ErrRole},
			{"config for a device without a role", second(is.Config(ctx, "bus-0000", busRules)), control.ErrRole},
			{"config of bad rules", second(is.Config(ctx, "bus-0001", "role = \"bus")), control.ErrRules},
			{"config for a revoked device", second(is.Config(ctx, "bus-0666", busRules)), control.ErrRevoked},
			{"config for an unknown device", second(is.Config(ctx, "bus-0404", busRules)), store.ErrNotFound},
			{"command for a revoked device", second(is.Command(ctx, "bus-0666", tapsync.CmdResync, time.Minute)), control.ErrRevoked},
			{"command for an unknown device", second(is.Command(ctx, "bus-0404", tapsync.CmdResync, time.Minute)), store.ErrNotFound},
			{"command of an unknown kind", second(is.Command(ctx, "bus-0001", "reboot", time.Minute)), control.ErrKind},
			{"command with a tiny ttl", second(is.Command(ctx, "bus-0001", tapsync.CmdResync, time.Second)), control.ErrKind},
			{"command with a ttl of a month", second(is.Command(ctx, "bus-0001", tapsync.CmdResync, 30*24*time.Hour)), control.ErrKind},
		}
		for _, c := range cases {
			if !errors.Is(c.err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
			}
		}
		if cs, err := s.Commands(ctx, "", 0); err != nil || len(cs) != 0 {
			t.Errorf("refused commands stored: %+v, %v", cs, err)
		}
	})
}

func second[T any](_ T, err error) error { return err }

// TestIssueCommand: a command gets a fresh id and its expiry, and a
// device with the public key accepts it until then.
func TestIssueCommand(t *testing.T) {
	ctx := context.Background()
	key := bundletest.Key(t)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		registry(t, s)
		is := &control.Issuer{Store: s, Key: key, Now: func() time.Time { return t0 }}
		a, err := is.Command(ctx, "bus-0001", tapsync.CmdDiagnostics, 10*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		b, err := is.Command(ctx, "bus-0001", tapsync.CmdDiagnostics, 10*time.Minute)
		if err != nil || a.ID == b.ID || !a.Expires.Equal(t0.Add(10*time.Minute)) {
			t.Fatalf("commands %+v and %+v, %v", a, b, err)
		}
		cs, err := s.Commands(ctx, "bus-0001", 0)
		if err != nil || len(cs) != 2 {
			t.Fatalf("stored %+v, %v", cs, err)
		}
		ring := bundletest.Ring(t, key)
		for _, c := range cs {
			if got, err := tapsync.DecodeCommand("bus-0001", c.Signed, ring, t0.Add(time.Minute)); err != nil || got.ID != c.ID || got.Kind != tapsync.CmdDiagnostics {
				t.Errorf("decoded %+v, %v", got, err)
			}
			if _, err := tapsync.DecodeCommand("bus-0001", c.Signed, ring, t0.Add(11*time.Minute)); err == nil {
				t.Errorf("command %s accepted after its expiry", c.ID)
			}
		}
	})
}

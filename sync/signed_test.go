package sync_test

import (
	"encoding/json"
	"errors"
	"testing"
	"time"

	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
)

func sign(t testing.TB, k *bundle.SigningKey, msg any) []byte {
	t.Helper()
	b, err := tapsync.Sign(k, msg)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var goodConfig = tapsync.Config{V: 1, Device: "bus-0042", Version: 3, Issued: t0, Rules: "role = \"bus\"\nlists = [\"bus-fleet\"]\n"}

func TestDecodeConfig(t *testing.T) {
	k1, k2 := bundletest.NewKey(t, "k1"), bundletest.NewKey(t, "k2")
	r := bundletest.Ring(t, k1)
	tampered := func() []byte {
		var s tapsync.Signed
		json.Unmarshal(sign(t, k1, goodConfig), &s)
		s.Payload = []byte(`{"v":1,"device":"bus-0042","version":4,"issued":"2026-11-21T09:00:00Z","rules":""}`)
		b, _ := json.Marshal(s)
		return b
	}
	tests := []struct {
		name string
		b    []byte
		want error // nil: accepted
	}{
		{"good", sign(t, k1, goodConfig), nil},
		{"unknown key", sign(t, k2, goodConfig), bundle.ErrUnknownKey},
		{"tampered payload", tampered(), bundle.ErrBadSignature},
		{"another device's", sign(t, k1, tapsync.Config{V: 1, Device: "bus-0043", Version: 3, Issued: t0}), tapsync.ErrPayload},
		{"no version", sign(t, k1, tapsync.Config{V: 1, Device: "bus-0042", Issued: t0}), tapsync.ErrPayload},
		{"unknown field", sign(t, k1, map[string]any{"v": 1, "device": "bus-0042", "version": 3, "evil": true}), tapsync.ErrPayload},
		{"not signed", encode(t, goodConfig), tapsync.ErrPayload},
		{"garbage", []byte("\x1f\x8b garbage"), tapsync.ErrPayload},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := tapsync.DecodeConfig("bus-0042", tt.b, r)
			if tt.want == nil {
				if err != nil || c.Version != 3 || c.Rules != goodConfig.Rules {
					t.Fatalf("DecodeConfig = %+v, %v", c, err)
				}
				return
			}
			if !errors.Is(err, tt.want) || !errors.Is(err, tapsync.ErrPayload) {
				t.Fatalf("DecodeConfig err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestDecodeCommand(t *testing.T) {
	k1 := bundletest.NewKey(t, "k1")
	r := bundletest.Ring(t, k1)
	cmd := func(kind string, issued, expires time.Time) tapsync.Command {
		return tapsync.Command{V: 1, Device: "bus-0042", ID: "c1", Kind: kind, Issued: issued, Expires: expires}
	}
	now := t0.Add(time.Minute)
	tests := []struct {
		name string
		c    tapsync.Command
		ok   bool
	}{
		{"resync", cmd(tapsync.CmdResync, t0, t0.Add(time.Hour)), true},
		{"selftest", cmd(tapsync.CmdSelftest, t0, t0.Add(time.Hour)), true},
		{"diagnostics", cmd(tapsync.CmdDiagnostics, t0, t0.Add(time.Hour)), true},
		{"unknown kind", cmd("format-disk", t0, t0.Add(time.Hour)), false},
		{"expired (replayed)", cmd(tapsync.CmdResync, t0.Add(-2*time.Hour), t0.Add(-time.Hour)), false},
		{"expires before issue", cmd(tapsync.CmdResync, t0, t0.Add(-time.Second)), false},
		{"no id", tapsync.Command{V: 1, Device: "bus-0042", Kind: tapsync.CmdResync, Issued: t0, Expires: t0.Add(time.Hour)}, false},
		{"another device's", tapsync.Command{V: 1, Device: "bus-0043", ID: "c1", Kind: tapsync.CmdResync, Issued: t0, Expires: t0.Add(time.Hour)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tapsync.DecodeCommand("bus-0042", sign(t, k1, tt.c), r, now)
			if tt.ok != (err == nil) || err != nil && !errors.Is(err, tapsync.ErrPayload) {
				t.Fatalf("DecodeCommand = %+v, %v; want ok=%v", got, err, tt.ok)
			}
		})
	}
}

func TestDecodeListOffer(t *testing.T) {
	offer := func(list string, n int) []byte {
		o := tapsync.ListOffer{V: 1, List: list}
		for i := 0; i < n; i++ {
			o.Manifests = append(o.Manifests, []byte(`{"key_id":"k1"}`))
		}
		return encode(t, o)
	}
	tests := []struct {
		name string
		b    []byte
		ok   bool
	}{
		{"one manifest", offer("bus-fleet", 1), true},
		{"as many as allowed", offer("bus-fleet", tapsync.MaxOffered), true},
		{"none", offer("bus-fleet", 0), false},
		{"too many", offer("bus-fleet", tapsync.MaxOffered+1), false},
		{"another list's", offer("school-39", 1), false},
		{"not JSON", []byte("nope"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tapsync.DecodeListOffer("bus-fleet", tt.b)
			if tt.ok != (err == nil) || err != nil && !errors.Is(err, tapsync.ErrPayload) {
				t.Fatalf("DecodeListOffer err = %v, want ok=%v", err, tt.ok)
			}
		})
	}
}

func FuzzDecodeConfig(f *testing.F) {
	k1 := bundletest.NewKey(f, "k1")
	r := bundletest.Ring(f, k1)
	f.Add(sign(f, k1, goodConfig))
	f.Add(encode(f, goodConfig))
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := tapsync.DecodeConfig("bus-0042", b, r); err == nil && (c.Device != "bus-0042" || c.Version == 0) {
			t.Fatalf("accepted %+v", c)
		}
	})
}

func FuzzDecodeCommand(f *testing.F) {
	k1 := bundletest.NewKey(f, "k1")
	r := bundletest.Ring(f, k1)
	f.Add(sign(f, k1, tapsync.Command{V: 1, Device: "bus-0042", ID: "c1", Kind: "resync", Issued: t0, Expires: t0.Add(time.Hour)}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if c, err := tapsync.DecodeCommand("bus-0042", b, r, t0); err == nil && (c.Device != "bus-0042" || c.ID == "") {
			t.Fatalf("accepted %+v", c)
		}
	})
}

func FuzzDecodeListOffer(f *testing.F) {
	f.Add(encode(f, tapsync.ListOffer{V: 1, List: "bus-fleet", Manifests: [][]byte{[]byte("{}")}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if o, err := tapsync.DecodeListOffer("bus-fleet", b); err == nil && (o.List != "bus-fleet" || len(o.Manifests) == 0) {
			t.Fatalf("accepted %+v", o)
		}
	})
}

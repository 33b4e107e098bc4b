package sync_test

import (
	"bytes"
	"compress/gzip"
	"errors"
	"strings"
	"testing"
	"time"

	"karta/offline"
	tapsync "karta/sync"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func batch(device string, from uint64, n int) tapsync.TapBatch {
	b := tapsync.TapBatch{V: tapsync.V, Device: device, From: from, To: from + uint64(n) - 1, Sent: t0}
	for i := 0; i < n; i++ {
		b.Taps = append(b.Taps, offline.Tap{Seq: from + uint64(i), Boot: 1, Time: t0, Clock: "synced", Role: "bus",
			Token: "k1.AAAAAAAAAAAAAAAAAAAA", Allowed: true, Reason: "ok", Product: "bus:free"})
	}
	return b
}

func encode(t testing.TB, m any) []byte {
	b, err := tapsync.Encode(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestTapBatchRoundTrip(t *testing.T) {
	for _, n := range []int{1, 100, 2000} { // 2000 taps are compressed
		b := encode(t, batch("bus-0042", 7, n))
		if n == 2000 && (b[0] != 0x1f || b[1] != 0x8b) {
			t.Error("a large batch was not compressed")
		}
		got, err := tapsync.DecodeTapBatch("bus-0042", b)
		if err != nil || len(got.Taps) != n || got.To != uint64(6+n) {
			t.Fatalf("%d taps: %v, %d", n, err, len(got.Taps))
		}
	}
}

func TestTapBatchRefused(t *testing.T) {
	good := batch("bus-0042", 7, 3)
	mutate := func(f func(*tapsync.TapBatch)) []byte {
		b := batch("bus-0042", 7, 3)
		f(&b)
		return encode(t, b)
	}
	gz := func(b []byte) []byte {
		var z bytes.Buffer
		w := gzip.NewWriter(&z)
		w.Write(b)
		w.Close()
		return z.Bytes()
	}
	tests := map[string][]byte{
		"another device's batch": mutate(func(b *tapsync.TapBatch) { b.Device = "bus-0043" }),
		"version 2":              mutate(func(b *tapsync.TapBatch) { b.V = 2 }),
		"range too long":         mutate(func(b *tapsync.TapBatch) { b.To = 10 }),
		"seq 0":                  mutate(func(b *tapsync.TapBatch) { b.From, b.To = 0, 2 }),
		"tap out of place":       mutate(func(b *tapsync.TapBatch) { b.Taps[1].Seq = 42 }),
		"a PAN for a token":      mutate(func(b *tapsync.TapBatch) { b.Taps[0].Token = "2202456789012347" }),
		"no reason":              mutate(func(b *tapsync.TapBatch) { b.Taps[2].Reason = "" }),
		"empty":                  mutate(func(b *tapsync.TapBatch) { b.Taps, b.To = nil, 6 }),
		"unknown field":          []byte(`{"v":1,"device":"bus-0042","from":1,"to":1,"taps":[],"evil":true}`),
		"not JSON":               []byte("\x00\x01garbage"),
		"trailing data":          append(encode(t, good), []byte(`{}`)...),
		"gzip bomb":              gz(bytes.Repeat([]byte(" "), tapsync.MaxPayload+10)),
		"broken gzip":            {0x1f, 0x8b, 0x08, 0x00},
		"too large":              bytes.Repeat([]byte("x"), tapsync.MaxPayload+1),
	}
	for name, payload := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := tapsync.DecodeTapBatch("bus-0042", payload); !errors.Is(err, tapsync.ErrPayload) {
				t.Errorf("DecodeTapBatch = %v, want ErrPayload", err)
			}
		})
	}
}

func TestAckAndStatus(t *testing.T) {
	ack := encode(t, tapsync.Ack{V: 1, Device: "bus-0042", Ranges: []tapsync.SeqRange{{From: 1, To: 9}}})
	if _, err := tapsync.DecodeAck("bus-0042", ack); err != nil {
		t.Error(err)
	}
	if _, err := tapsync.DecodeAck("bus-0043", ack); !errors.Is(err, tapsync.ErrPayload) {
		t.Error("an ack for another device was accepted")
	}
	bad := encode(t, tapsync.Ack{V: 1, Device: "bus-0042", Ranges: []tapsync.SeqRange{{From: 9, To: 1}}})
	if _, err := tapsync.DecodeAck("bus-0042", bad); !errors.Is(err, tapsync.ErrPayload) {
		t.Error("an inverted range was accepted")
	}
	st := encode(t, tapsync.Status{V: 1, Device: "bus-0042", Online: true, Backlog: 3, Time: t0})
	if s, err := tapsync.DecodeStatus("bus-0042", st); err != nil || !s.Online {
		t.Errorf("status: %+v, %v", s, err)
	}
}

func TestTopics(t *testing.T) {
	if got := tapsync.TapsTopic("bus-0042"); got != "karta/v1/dev/bus-0042/taps" {
		t.Error(got)
	}
	for topic, want := range map[string]string{ // "" : not a device topic
		"karta/v1/dev/bus-0042/taps": "bus-0042", "karta/v1/dev/a/b/taps": "a",
		"karta/v1/dev/+/taps": "", "karta/v1/dev/Bus/taps": "", "karta/v1/lists/x/manifest": "", "karta/v1/dev/x": "",
	} {
		id, ok := tapsync.DeviceOf(topic)
		if ok != (want != "") || ok && id != want {
			t.Errorf("DeviceOf(%s) = %q, %v; want %q", topic, id, ok, want)
		}
	}
	if !strings.HasPrefix(tapsync.SharedTapsFilter, "$share/") {
		t.Error(tapsync.SharedTapsFilter)
	}
}

func FuzzDecodeTapBatch(f *testing.F) {
	f.Add(encode(f, batch("bus-0042", 1, 2)))
	f.Add(encode(f, batch("bus-0042", 1, 500)))
	f.Add([]byte(`{"v":1,"device":"bus-0042","from":1,"to":1,"taps":[{"seq":1,"reason":"ok"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := tapsync.DecodeTapBatch("bus-0042", b)
		if err == nil && (m.Device != "bus-0042" || uint64(len(m.Taps)) != m.To-m.From+1) {
			t.Fatalf("accepted an inconsistent batch: %+v", m)
		}
	})
}

func FuzzDecodeStatus(f *testing.F) {
	f.Add(encode(f, tapsync.Status{V: 1, Device: "bus-0042", Online: true}))
	f.Fuzz(func(t *testing.T, b []byte) {
		if m, err := tapsync.DecodeStatus("bus-0042", b); err == nil && m.Device != "bus-0042" {
			t.Fatalf("status of another device accepted: %+v", m)
		}
	})
}

func FuzzDecodeAck(f *testing.F) {
	f.Add(encode(f, tapsync.Ack{V: 1, Device: "bus-0042", Ranges: []tapsync.SeqRange{{From: 1, To: 5}}}))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := tapsync.DecodeAck("bus-0042", b)
		for _, r := range m.Ranges {
			if err == nil && (r.From == 0 || r.To < r.From) {
				t.Fatalf("bad range accepted: %+v", r)
			}
		}
	})
}

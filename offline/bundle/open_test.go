package bundle_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

// tamper returns a deep copy of b changed by f.
func tamper(b *bundle.Bundle, f func(b *bundle.Bundle)) *bundle.Bundle {
	c := &bundle.Bundle{Signed: bytes.Clone(b.Signed)}
	for _, ch := range b.Chunks {
		c.Chunks = append(c.Chunks, bytes.Clone(ch))
	}
	f(c)
	return c
}

// rewrap changes the signed manifest's envelope fields by f and re-encodes
// it, keeping the old signature.
func rewrap(t *testing.T, f func(env map[string][]byte)) func(b *bundle.Bundle) {
	return func(b *bundle.Bundle) {
		var env map[string]json.RawMessage
		if err := json.Unmarshal(b.Signed, &env); err != nil {
			t.Fatal(err)
		}
		fields := map[string][]byte{}
		for _, k := range []string{"manifest", "sig"} {
			var v []byte
			if err := json.Unmarshal(env[k], &v); err != nil {
				t.Fatal(err)
			}
			fields[k] = v
		}
		f(fields)
		for k, v := range fields {
			env[k], _ = json.Marshal(v)
		}
		b.Signed, _ = json.Marshal(env)
	}
}

func TestOpenRefuses(t *testing.T) {
	key, other := bundletest.Key(t), bundletest.NewKey(t, "other")
	ring := bundletest.Ring(t, key)
	w, err := bundle.NewSnapshot("bus-fleet", 42, bundle.Options{ChunkSize: 2000})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range bundletest.Entries(500) {
		w.Put(e)
	}
	good, err := w.Sign(key, issued, expires)
	if err != nil || len(good.Chunks) < 3 {
		t.Fatalf("%d chunks, %v", len(good.Chunks), err)
	}
	impostor, _ := w.Sign(bundletest.NewKey(t, "test-x"), issued, expires)
	tests := []struct {
		name    string
		b       *bundle.Bundle
		ring    bundle.KeyRing
		now     time.Time
		want    error
		wantMsg string
	}{
		{"tampered manifest byte", tamper(good, rewrap(t, func(env map[string][]byte) {
			env["manifest"] = bytes.Replace(env["manifest"], []byte(`"version":42`), []byte(`"version":43`), 1)
		})), ring, now, bundle.ErrBadSignature, "bundle: signature invalid for list bus-fleet v43 (key test)"},
		{"tampered signature byte", tamper(good, rewrap(t, func(env map[string][]byte) { env["sig"][7] ^= 1 })),
			ring, now, bundle.ErrBadSignature, "key test"},
		{"wrong key under a trusted id", good, bundle.KeyRing{"test": other.Public().Key}, now, bundle.ErrBadSignature, "list bus-fleet v42"},
		{"unknown key id", impostor, ring, now, bundle.ErrUnknownKey, "key test-x; trusted: test"},
		{"empty ring", good, bundle.KeyRing{}, now, bundle.ErrUnknownKey, "trusted: none"},
		{"expired", good, ring, expires.Add(time.Second), bundle.ErrExpired, "expired 2026-12-21T12:00:00Z"},
		{"tampered chunk byte", tamper(good, func(b *bundle.Bundle) { b.Chunks[1][20] ^= 0x40 }),
			ring, now, bundle.ErrCorruptChunk, "chunk 2 of"},
		{"truncated chunk", tamper(good, func(b *bundle.Bundle) { b.Chunks[2] = b.Chunks[2][:100] }),
			ring, now, bundle.ErrTruncated, "chunk 3 of"},
		{"missing chunk", tamper(good, func(b *bundle.Bundle) { b.Chunks = b.Chunks[:len(b.Chunks)-1] }),
			ring, now, bundle.ErrTruncated, "missing"},
		{"extra chunk", tamper(good, func(b *bundle.Bundle) { b.Chunks = append(b.Chunks, b.Chunks[0]) }),
			ring, now, bundle.ErrCorruptChunk, "the manifest names"},
		{"not a signed manifest", tamper(good, func(b *bundle.Bundle) { b.Signed = []byte("hello") }),
			ring, now, bundle.ErrFormat, "not a signed manifest"},
		{"no signature", tamper(good, func(b *bundle.Bundle) { b.Signed = []byte(`{"key_id":"test","manifest":"e30="}`) }),
			ring, now, bundle.ErrFormat, "64-byte sig"},
	}
	tests = append(tests, craftedCases(t, key, ring)...)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := bundle.Open(tt.b, tt.ring, tt.now)
			if !errors.Is(err, tt.want) || v != nil {
				t.Fatalf("Open = %v, %v; want %v", v, err, tt.want)
			}
			t.Log(err)
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("error %q does not say %q", err, tt.wantMsg)
			}
		})
	}
	if _, err := bundle.Open(good, ring, expires); err != nil {
		t.Errorf("at the very expiry: %v", err)
	}
}

type refusal = struct {
	name    string
	b       *bundle.Bundle
	ring    bundle.KeyRing
	now     time.Time
	want    error
	wantMsg string
}

// craftedCases are bundles, correctly signed, that the Writer would
// refuse to make: Open must refuse them for what is inside.
func craftedCases(t *testing.T, key *bundle.SigningKey, ring bundle.KeyRing) []refusal {
	snap := bundle.Manifest{Format: 1, List: "bus-fleet", Version: 42, Issued: issued, Expires: expires}
	delta := snap
	delta.Base = 41
	e := offline.AppendEntry(nil, &offline.Entry{Category: "pensioner"})
	a, b, c := "k1.AAAAAAAAAAAAAAAAAAAA", "k1.BBBBBBBBBBBBBBBBBBBB", "k1.CCCCCCCCCCCCCCCCCCCC"
	puts := func(toks ...string) []byte {
		var r []byte
		for _, tok := range toks {
			r = bundle.AppendPut(r, tok, e)
		}
		return r
	}
	with := func(m bundle.Manifest, ops int, f func(*bundle.Manifest)) bundle.Manifest {
		m.Ops = ops
		if f != nil {
			f(&m)
		}
		return m
	}
	sign := func(m bundle.Manifest, records ...[]byte) *bundle.Bundle { return bundle.SignRaw(key, m, records...) }
	return []refusal{
		{"unsorted tokens", sign(with(snap, 3, nil), puts(a, c, b)), ring, now, bundle.ErrOrder, "op 3: " + b + " after " + c},
		{"unsorted across chunks", sign(with(snap, 3, nil), puts(a, c), puts(b)), ring, now, bundle.ErrOrder, "chunk 2, op 1: " + b + " after " + c},
		{"duplicate tokens", sign(with(snap, 3, nil), puts(a, b, b)), ring, now, bundle.ErrOrder, "op 3"},
		{"delete in a snapshot", sign(with(snap, 2, nil), bundle.AppendDelete(puts(a), b)), ring, now, bundle.ErrBadOp, "only puts"},
		{"corrupt entry bytes", sign(with(snap, 2, nil), puts(a), bundle.AppendPut(nil, b, e[:len(e)-1])),
			ring, now, offline.ErrCorruptEntry, "bundle: bad op for list bus-fleet v42 (chunk 2, op 1: token " + b + "): offline: corrupt entry"},
		{"op count too high", sign(with(snap, 4, nil), puts(a, b, c)), ring, now, bundle.ErrOpCount, "chunks hold 3 ops, the manifest says 4"},
		{"op count too low", sign(with(delta, 1, nil), puts(a, b)), ring, now, bundle.ErrOpCount, "delta v41→v42"},
		{"unknown op kind", sign(with(delta, 1, nil), append([]byte{9}, puts(a)[1:]...)), ring, now, bundle.ErrBadOp, "unknown op kind"},
		{"record cut short", sign(with(delta, 1, nil), puts(a)[:10]), ring, now, bundle.ErrBadOp, "cut short"},
		{"card number as token", sign(with(delta, 1, nil), bundle.AppendDelete(nil, testPAN)), ring, now, bundle.ErrBadOp, "not a karta token"},
		{"chunk not gzip", bundle.SignChunks(key, with(delta, 0, nil), []byte("plain text")), ring, now, bundle.ErrCorruptChunk, "does not inflate"},
		{"format 2", sign(with(snap, 1, func(m *bundle.Manifest) { m.Format = 2 }), puts(a)), ring, now, bundle.ErrFormat, "manifest format 2"},
		{"base above version", sign(with(delta, 1, func(m *bundle.Manifest) { m.Base = 50 }), puts(a)), ring, now, bundle.ErrFormat, "above the base"},
		{"manifest not JSON", &bundle.Bundle{Signed: bundle.SignEnvelope(key, []byte("{nope"))}, ring, now, bundle.ErrFormat, "manifest is not JSON"},
		{"manifest names another key", &bundle.Bundle{Signed: bundle.SignEnvelope(key, mustJSON(t, with(snap, 0, func(m *bundle.Manifest) { m.KeyID = "k9" })))},
			ring, now, bundle.ErrFormat, "signed by key test, manifest names key k9"},
	}
}

func mustJSON(t *testing.T, v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

package sync_test

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

// withV2 is a device on a Hub with bus-fleet v2 (entries 0-99) installed.
func withV2(t *testing.T) (*env, *dev) {
	t.Helper()
	e := startHub(t)
	v2 := snapshot(t, bundletest.Key(t), "bus-fleet", 2, 0, 100, 2048, time.Now().Add(lifetime))
	e.lists.Chunks(v2)
	e.lists.Offer("bus-fleet", v2)
	d := newDev(t, e, "", nil)
	d.waitVersion("bus-fleet", 2)
	return e, d
}

// intact checks the device still runs v2, whole.
func (d *dev) intact() {
	d.t.Helper()
	st, _ := d.lists.State("bus-fleet")
	if st.Version != 2 || st.Entries != 100 || !has(d.t, d.lists, "bus-fleet", 0) || d.log.count("sync: list installed") != 1 {
		d.t.Errorf("the installed list changed: %+v; log:\n%s", st, d.log)
	}
}

// retag changes the version inside a signed manifest, keeping its
// signature: what an attacker who cannot sign would do.
func retag(t *testing.T, signed []byte) []byte {
	var env struct {
		KeyID    string `json:"key_id"`
		Manifest []byte `json:"manifest"`
		Sig      []byte `json:"sig"`
	}
	must(t, json.Unmarshal(signed, &env))
	env.Manifest = bytes.Replace(env.Manifest, []byte(`"version":3`), []byte(`"version":4`), 1)
	b, err := json.Marshal(env)
	must(t, err)
	return b
}

// TestDownlinkRefusals: what must not install is refused with a reason in
// the log, and the installed list stays as it was.
func TestDownlinkRefusals(t *testing.T) {
	key, rogue := bundletest.Key(t), bundletest.NewKey(t, "rogue")
	later := time.Now().Add(lifetime)
	tests := []struct {
		name, reason string
		publish      func(*env)
	}{
		{"rollback", "latest v1, v2 installed", func(e *env) {
			v1 := snapshot(t, key, "bus-fleet", 1, 0, 50, 0, later)
			e.lists.Chunks(v1)
			e.lists.Offer("bus-fleet", v1)
		}},
		{"bad signature", "signature invalid", func(e *env) {
			v3 := snapshot(t, key, "bus-fleet", 3, 0, 50, 0, later)
			e.lists.Chunks(v3)
			e.lists.OfferSigned("bus-fleet", retag(t, v3.Signed))
		}},
		{"unknown key", "unknown signing key", func(e *env) {
			v3 := snapshot(t, rogue, "bus-fleet", 3, 0, 50, 0, later)
			e.lists.Chunks(v3)
			e.lists.Offer("bus-fleet", v3)
		}},
		{"expired", "bundle: expired", func(e *env) {
			v3 := snapshot(t, key, "bus-fleet", 3, 0, 50, 0, time.Now().Add(-time.Hour))
			e.lists.Chunks(v3)
			e.lists.Offer("bus-fleet", v3)
		}},
		{"another list's manifest", "in the offer of bus-fleet", func(e *env) {
			school := snapshot(t, key, "school-39", 3, 0, 50, 0, later)
			e.lists.Chunks(school)
			e.lists.Offer("bus-fleet", school)
		}},
		{"forged manifest", "bundle: bad format", func(e *env) {
			e.lists.OfferSigned("bus-fleet", []byte(`{"key_id":"test","manifest":"e30=","sig":"AAAA"}`))
		}},
		{"not an offer", "list offer refused", func(e *env) {
			must(t, e.central.Publish("karta/v1/lists/bus-fleet/manifest", 1, true, []byte("\x1f\x8bnot gzip")))
		}},
		{"a delta onto another base", "no way to its latest", func(e *env) {
			d := delta(t, key, "bus-fleet", 1, 3, 0, 500)
			e.lists.Chunks(d)
			e.lists.Offer("bus-fleet", d)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, d := withV2(t)
			tt.publish(e)
			d.waitLog(tt.reason)
			d.intact()
		})
	}
}

// TestDownlinkTamperedChunk: a chunk that is not the one the manifest
// names is dropped, and the download waits; when central sends the right
// one, the version installs.
func TestDownlinkTamperedChunk(t *testing.T) {
	e, d := withV2(t)
	v3 := snapshot(t, bundletest.Key(t), "bus-fleet", 3, 0, 300, 2048, time.Now().Add(lifetime))
	e.lists.Chunks(v3)
	bad := bytes.Clone(v3.Chunks[2])
	bad[len(bad)/2] ^= 0x5a
	e.lists.Chunk(v3, 2, bad)
	e.lists.Offer("bus-fleet", v3)
	d.waitLog("chunk 3 of")
	d.waitLog("sha256 differs from the manifest")
	d.waitLog("sync: no chunk for a while; asking again") // and it is dropped again
	d.intact()
	e.lists.Chunks(v3, 2)
	d.waitVersion("bus-fleet", 3)
}

// TestDownlinkRefusedDelta: a delta whose bundle does not install is not
// tried again; the device takes the offered snapshot instead.
func TestDownlinkRefusedDelta(t *testing.T) {
	e, d := withV2(t)
	d.rec.Refuse("2→3")
	key := bundletest.Key(t)
	d23, d34 := delta(t, key, "bus-fleet", 2, 3, 0, 500), delta(t, key, "bus-fleet", 3, 4, 1, 501)
	v4 := snapshot(t, key, "bus-fleet", 4, 10, 60, 0, time.Now().Add(lifetime))
	for _, b := range []*bundle.Bundle{d23, d34, v4} {
		e.lists.Chunks(b)
	}
	e.lists.Offer("bus-fleet", v4, d23, d34)
	d.waitVersion("bus-fleet", 4)
	d.waitLog("its bundle was refused before")
	if got := d.rec.String(); got != "0→2 0→4" {
		t.Errorf("installed %s, want the snapshot after the refused delta", got)
	}
}

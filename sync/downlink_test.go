package sync_test

import (
	"testing"
	"time"

	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
)

// TestDownlinkSnapshotThenDeltas: a device with no list installs the
// offered snapshot; offered a newer snapshot and a chain of deltas from
// its version, it installs the deltas in order and never fetches the
// snapshot; on each kind of broker.
func TestDownlinkSnapshotThenDeltas(t *testing.T) {
	for _, k := range brokerKinds {
		t.Run(k.name, func(t *testing.T) {
			e := k.start(t)
			key := bundletest.Key(t)
			v1 := snapshot(t, key, "bus-fleet", 1, 0, 300, 2048, time.Now().Add(lifetime))
			e.lists.Chunks(v1)
			e.lists.Offer("bus-fleet", v1)
			d := newDev(t, e, "", nil)
			d.waitVersion("bus-fleet", 1)

			d12, d23 := delta(t, key, "bus-fleet", 1, 2, 5, 1000), delta(t, key, "bus-fleet", 2, 3, 6, 1001)
			v3 := snapshot(t, key, "bus-fleet", 3, 0, 300, 2048, time.Now().Add(lifetime))
			for _, b := range []*bundle.Bundle{d12, d23, v3} {
				e.lists.Chunks(b)
			}
			e.lists.Offer("bus-fleet", v3, d23, d12)
			d.waitVersion("bus-fleet", 3)
			if got := d.rec.installs(); got != "0→1 1→2 2→3" {
				t.Errorf("installed %s, want the snapshot then the delta chain", got)
			}
			if has(t, d.lists, "bus-fleet", 5) || has(t, d.lists, "bus-fleet", 6) || !has(t, d.lists, "bus-fleet", 1001) {
				t.Error("the deltas' changes are not in the list")
			}
			if e.hub != nil && e.hub.Delivered(tapsync.ChunkTopic("bus-fleet", 3, 0, 0)) != 0 {
				t.Error("the snapshot of v3 was fetched though deltas led there")
			}
			e.lists.Clear(v1) // central clears what it no longer offers; the device does not mind
		})
	}
}

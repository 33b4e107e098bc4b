package sync_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	tapsync "karta/sync"
	"karta/sync/synctest"
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
			if got := d.rec.String(); got != "0→1 1→2 2→3" {
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

// counter counts the messages of each topic that reached the device.
type counter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *counter) wrap(l *tapsync.Link) {
	dial := l.Dial
	l.Dial = func(ctx context.Context, willTopic string, will []byte) (tapsync.Conn, error) {
		conn, err := dial(ctx, willTopic, will)
		if err != nil {
			return nil, err
		}
		return countingConn{conn, c}, nil
	}
}

func (c *counter) get(topic string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n[topic]
}

type countingConn struct {
	tapsync.Conn
	c *counter
}

func (cc countingConn) Subscribe(filter string, qos byte, handle func(string, []byte)) error {
	return cc.Conn.Subscribe(filter, qos, func(topic string, b []byte) {
		cc.c.mu.Lock()
		if cc.c.n == nil {
			cc.c.n = map[string]int{}
		}
		cc.c.n[topic]++
		cc.c.mu.Unlock()
		handle(topic, b)
	})
}

// stored waits until the download of list has stored n chunks.
func (d *dev) stored(n int) {
	d.t.Helper()
	eventually(d.t, 20*time.Second, func() bool {
		dl := d.down.Downloads()
		return len(dl) == 1 && dl[0].Stored == n
	}, func() string {
		return fmt.Sprintf("downloads %+v, want %d chunks stored; log:\n%s", d.down.Downloads(), n, d.log)
	})
}

func firstChunks(k int) []int {
	var out []int
	for i := 0; i < k; i++ {
		out = append(out, i)
	}
	return out
}

// TestDownlinkResumesAfterOutage: Mosquitto dies in the middle of a
// download and comes back empty (no persistence); central publishes again.
// The device asks only for the chunks it lacks: the ones it had stored
// reach it once in all.
func TestDownlinkResumesAfterOutage(t *testing.T) {
	e := startMosquitto(t)
	v1 := snapshot(t, bundletest.Key(t), "bus-fleet", 1, 0, 600, 2048, time.Now().Add(lifetime))
	const k = 6
	if len(v1.Chunks) < 2*k {
		t.Fatalf("%d chunks: too few for the test", len(v1.Chunks))
	}
	e.lists.Chunks(v1, firstChunks(k)...)
	e.lists.Offer("bus-fleet", v1)
	cnt := &counter{}
	d := newDev(t, e, "", nil, cnt.wrap)
	d.stored(k)
	e.mosq.Stop()
	e.mosq.Restart()
	e.connectCentral(t)
	e.lists.Chunks(v1)
	e.lists.Offer("bus-fleet", v1)
	d.waitVersion("bus-fleet", 1)
	if n := d.log.count("sync: connected"); n < 2 {
		t.Errorf("connected %d times: the outage was not seen", n)
	}
	for i := range v1.Chunks {
		n := cnt.get(tapsync.ChunkTopic("bus-fleet", 1, 0, i))
		if i < k && n != 1 || n == 0 {
			t.Errorf("chunk %d reached the device %d times", i, n)
		}
	}
	if st, _ := d.lists.State("bus-fleet"); st.Entries != 600 {
		t.Errorf("%d entries installed, want 600", st.Entries)
	}
	dir := filepath.Join(d.dir, "downlink", "lists", "bus-fleet", "1-0")
	eventually(t, 5*time.Second, func() bool { _, err := os.Stat(dir); return os.IsNotExist(err) },
		func() string { return "the download's chunks outlive the install" })
}

// TestDownlinkResumesAfterRestart: the device stops in the middle of a
// download; started again it takes the chunks it stored from its disk.
func TestDownlinkResumesAfterRestart(t *testing.T) {
	e := startHub(t)
	v1 := snapshot(t, bundletest.Key(t), "bus-fleet", 1, 0, 600, 2048, time.Now().Add(lifetime))
	const k = 6
	e.lists.Chunks(v1, firstChunks(k)...)
	e.lists.Offer("bus-fleet", v1)
	d := newDev(t, e, "", nil)
	d.stored(k)
	d.stop()
	e.lists.Chunks(v1)
	d2 := newDev(t, e, d.dir, d.lists)
	d2.waitVersion("bus-fleet", 1)
	d2.waitLog(fmt.Sprintf("chunks=%d stored=%d", len(v1.Chunks), k))
	for i := 0; i < k; i++ {
		if n := e.hub.Delivered(tapsync.ChunkTopic("bus-fleet", 1, 0, i)); n != 1 {
			t.Errorf("chunk %d reached the device %d times", i, n)
		}
	}
}

// TestDownlinkUplinkWhileDownloading: taps keep going up and being acked
// while a list version is half downloaded, on each kind of broker.
func TestDownlinkUplinkWhileDownloading(t *testing.T) {
	for _, k := range brokerKinds {
		t.Run(k.name, func(t *testing.T) {
			e := k.start(t)
			c := synctest.Attach(t, e.central)
			v1 := snapshot(t, bundletest.Key(t), "bus-fleet", 1, 0, 6000, 16<<10, time.Now().Add(lifetime))
			half := len(v1.Chunks) / 2
			e.lists.Chunks(v1, firstChunks(half)...)
			e.lists.Offer("bus-fleet", v1)
			d := newDev(t, e, "", nil)
			d.stored(half)
			journalTaps(t, d.journal, 200)
			d.link.Kick()
			drained(t, d.journal, 20*time.Second)
			if c.Distinct(device) != 200 || d.version("bus-fleet") != 0 {
				t.Fatalf("central has %d taps, list at v%d", c.Distinct(device), d.version("bus-fleet"))
			}
			e.lists.Chunks(v1)
			d.waitVersion("bus-fleet", 1)
		})
	}
}

// TestDownlinkBadListName: a list name that could not be a topic level
// (a wildcard) subscribes to nothing; the link and the other lists work.
func TestDownlinkBadListName(t *testing.T) {
	e := startMosquitto(t)
	v1 := snapshot(t, bundletest.Key(t), "bus-fleet", 1, 0, 50, 0, time.Now().Add(lifetime))
	e.lists.Chunks(v1)
	e.lists.Offer("bus-fleet", v1)
	d := newDev(t, e, "", nil, func(l *tapsync.Link) { l.Down.Lists = func() []string { return []string{"#", "bus-fleet"} } })
	d.waitVersion("bus-fleet", 1)
	d.waitLog("cannot exist")
	if n := d.log.count("sync: connected"); n != 1 {
		t.Errorf("connected %d times", n)
	}
}

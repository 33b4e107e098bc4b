package fleet_test

import (
	"context"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"karta/agent"
	"karta/central/broker"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	"karta/sim/fleet"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

// BenchmarkListDistribution: central publishes a list (a 10,000-entry
// snapshot), then its next version (a 100-change delta, offered beside the
// new snapshot), and 1,000 devices on the embedded broker fetch, verify
// and install each into their own lists.db: time from the publish to the
// last device installed. Baseline in the same run: the bare broker
// delivering the same retained messages (offer and chunks) to 1,000
// subscribers.
func BenchmarkListDistribution(b *testing.B) {
	const devices, entries, changes = 1000, 10_000, 100
	key := bundletest.Key(b)
	expires := time.Now().Add(30 * 24 * time.Hour)
	v1 := bundletest.Snapshot(b, key, "bus-fleet", 1, bundletest.Entries(entries), expires)
	v2, d12 := nextVersion(b, key, entries, changes, expires)
	var snap, delta time.Duration
	for range b.N {
		s, d := distribute(b, devices, bundletest.Ring(b, key), v1, v2, d12)
		snap, delta = snap+s, delta+d
	}
	b.StopTimer()
	b.Logf("%d devices: snapshot %v, delta %v", devices, snap/time.Duration(b.N), delta/time.Duration(b.N))
	rawSnap := rawFanOut(b, devices, v1)
	rawDelta := rawFanOut(b, devices, v2, d12)
	n := float64(b.N)
	b.ReportMetric(snap.Seconds()/n, "snapshot-s")
	b.ReportMetric(delta.Seconds()/n, "delta-s")
	b.ReportMetric(rawSnap.Seconds(), "raw-snapshot-s")
	b.ReportMetric(rawDelta.Seconds(), "raw-delta-s")
	b.ReportMetric(snap.Seconds()/n/rawSnap.Seconds(), "x-raw-snapshot")
	b.ReportMetric(delta.Seconds()/n/rawDelta.Seconds(), "x-raw-delta")
	b.ReportMetric(float64(size(v1)), "snapshot-bytes")
	b.ReportMetric(float64(size(d12)), "delta-bytes")
}

// nextVersion is version 2: the first changes entries deleted, as many new
// ones added; as a snapshot and as a delta from version 1.
func nextVersion(b *testing.B, key *bundle.SigningKey, entries, changes int, expires time.Time) (*bundle.Bundle, *bundle.Bundle) {
	var all []*offline.Entry
	var ops []offline.Op
	for i := range changes {
		ops = append(ops, offline.Op{Token: bundletest.Token(i)})
		e := bundletest.Entry(entries + i)
		ops = append(ops, offline.Op{Token: e.Token, Entry: e})
	}
	for i := changes; i < entries+changes; i++ {
		all = append(all, bundletest.Entry(i))
	}
	return bundletest.Snapshot(b, key, "bus-fleet", 2, all, expires), bundletest.Delta(b, key, "bus-fleet", 1, 2, ops, expires)
}

func size(bs ...*bundle.Bundle) int {
	n := 0
	for _, b := range bs {
		for _, c := range b.Chunks {
			n += len(c)
		}
	}
	return n
}

// distribute runs devices on a fresh embedded broker, publishes v1, then
// v2 beside the delta d12, and returns how long each took to reach every
// device. Only that is timed.
func distribute(b *testing.B, devices int, ring bundle.KeyRing, v1, v2, d12 *bundle.Bundle) (time.Duration, time.Duration) {
	b.StopTimer()
	brk, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: passwords})
	if err != nil {
		b.Fatal(err)
	}
	defer brk.Close()
	dir := b.TempDir()
	var stores []*offline.Lists
	f, err := fleet.New(fleet.Options{Devices: devices, Dial: fleet.DialMQTT("tcp://"+brk.Addr(), passwords.For, 0), Roles: []string{fleet.RoleBus},
		Rate: 0.001, Duration: 5 * time.Minute, Log: quiet, Stagger: 2 * time.Second,
		Downlink: func(d *fleet.Device) *tapsync.Downlink {
			l, err := offline.OpenLists(filepath.Join(dir, d.ID+".lists.db"), offline.ListsOptions{})
			if err != nil {
				b.Fatal(err)
			}
			stores = append(stores, l)
			return &tapsync.Downlink{Ring: ring, Dir: filepath.Join(dir, d.ID), Lists: func() []string { return []string{"bus-fleet"} },
				Installed: l, Install: &agent.Inbox{Lists: l, Keys: ring, Now: time.Now, Log: quiet}}
		}})
	if err != nil {
		b.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { f.Run(ctx); close(done) }()
	defer func() {
		stop()
		<-done
		for _, l := range stores {
			l.Close()
		}
	}()
	for f.Progress().Connected < devices {
		time.Sleep(10 * time.Millisecond)
	}
	pub := synctest.Lists{T: b, Conn: brk.Conn()}
	snap := timed(b, stores, 1, func() { pub.Chunks(v1); pub.Offer("bus-fleet", v1) })
	delta := timed(b, stores, 2, func() { pub.Chunks(d12); pub.Chunks(v2); pub.Offer("bus-fleet", v2, d12) })
	return snap, delta
}

// timed runs publish and waits until every store has version of
// bus-fleet (at most 5 minutes); the benchmark's timer runs meanwhile.
func timed(b *testing.B, stores []*offline.Lists, version uint64, publish func()) time.Duration {
	start := time.Now()
	b.StartTimer()
	publish()
	for _, l := range stores {
		for st, _ := l.State("bus-fleet"); st.Version != version; st, _ = l.State("bus-fleet") {
			if time.Since(start) > 5*time.Minute {
				b.Fatalf("a device still at version %d of bus-fleet after 5 minutes", st.Version)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	b.StopTimer()
	return time.Since(start)
}

// rawFanOut: on a fresh embedded broker, devices subscribers to the list's
// topics, and central publishing the bundles' chunks and the offer, as
// distribute does; the time until every subscriber got every message.
func rawFanOut(b *testing.B, devices int, bs ...*bundle.Bundle) time.Duration {
	brk, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: passwords})
	if err != nil {
		b.Fatal(err)
	}
	defer brk.Close()
	want := int64(1)
	for _, bn := range bs {
		want += int64(len(bn.Chunks))
	}
	var complete atomic.Int64
	all := make(chan struct{})
	dial := fleet.DialMQTT("tcp://"+brk.Addr(), passwords.For, 0)
	for i := range devices {
		id := fmt.Sprintf("raw-bus-%05d", i+1)
		c, err := dial(id)(context.Background(), "", nil)
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close()
		var got atomic.Int64
		count := func(string, []byte) {
			if got.Add(1) == want && complete.Add(1) == int64(devices) {
				close(all)
			}
		}
		// The filters a device's downlink uses: the broker's ACL refuses #.
		filters := []string{tapsync.ManifestTopic("bus-fleet")}
		for _, bn := range bs {
			m, err := bundle.PeekManifest(bn.Signed)
			if err != nil {
				b.Fatal(err)
			}
			filters = append(filters, tapsync.ChunksFilter(m.List, m.Version, m.Base))
		}
		for _, fl := range filters {
			if err := c.Subscribe(fl, 1, count); err != nil {
				b.Fatal(err)
			}
		}
	}
	pub := synctest.Lists{T: b, Conn: brk.Conn()}
	start := time.Now()
	for _, bn := range bs {
		pub.Chunks(bn)
	}
	pub.Offer("bus-fleet", bs...)
	select {
	case <-all:
	case <-time.After(time.Minute):
		b.Fatalf("%d of %d subscribers complete after a minute", complete.Load(), devices)
	}
	return time.Since(start)
}

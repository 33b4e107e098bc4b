package sync_test

import (
	"testing"
	"time"

	"karta/offline/bundle/bundletest"
)

// BenchmarkDownlinkSnapshot fetches and installs a 200,000-entry snapshot
// (256 KiB chunks) over a real Mosquitto on loopback: ns/op is offer to
// installed, fetch-s offer to the last chunk stored.
// Run it once: go test ./sync -run '^$' -bench DownlinkSnapshot -benchtime 1x
func BenchmarkDownlinkSnapshot(b *testing.B) {
	const n = 200_000
	e := startMosquitto(b)
	v1 := snapshot(b, bundletest.Key(b), "bus-fleet", 1, 0, n, 0, time.Now().Add(lifetime))
	e.lists.Chunks(v1)
	size := 0
	for _, c := range v1.Chunks {
		size += len(c)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		d := newDev(b, e, "", nil)
		start := time.Now()
		e.lists.Offer("bus-fleet", v1)
		var fetched time.Duration
		for d.version("bus-fleet") != 1 {
			if dl := d.down.Downloads(); fetched == 0 && len(dl) == 1 && dl[0].Stored == dl[0].Chunks {
				fetched = time.Since(start)
			}
			time.Sleep(time.Millisecond)
		}
		b.ReportMetric(fetched.Seconds(), "fetch-s")
		b.ReportMetric(float64(size)/fetched.Seconds()/1e6, "fetch-MB/s")
		b.ReportMetric(float64(len(v1.Chunks)), "chunks")
		d.stop()
	}
}

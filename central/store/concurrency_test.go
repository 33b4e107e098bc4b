package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"karta/central/store"
	"karta/central/store/storetest"
)

// Two central instances on one database ingest overlapping batches at
// once, each device's taps in different cuts and orders: every tap is
// stored exactly once and counted New by exactly one instance.
func TestInstancesIngestConcurrently(t *testing.T) {
	const devices, taps = 6, 600
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		instances := []*store.Store{storetest.Open(t, dsn), storetest.Open(t, dsn)}
		news := make([]int, len(instances))
		var wg sync.WaitGroup
		for i, s := range instances {
			wg.Go(func() { news[i] = ingest(t, s, devices, taps, 40+i*25, i == 1) })
		}
		wg.Wait()
		if total := news[0] + news[1]; total != devices*taps {
			t.Errorf("instances counted %d + %d new taps, want %d in all", news[0], news[1], devices*taps)
		}
		for d := range devices {
			dev := fmt.Sprintf("bus-%d", d)
			if n := count(t, instances[0], store.TapQuery{Device: dev, Limit: 1}); n != taps {
				t.Errorf("%s: %d rows, want %d", dev, n, taps)
			}
		}
	})
}

// ingest saves taps 1..n of each device in rounds of batches of size
// (overlapping the previous batch by a third), devices in reverse order if
// reverse, and returns how many taps it found new.
func ingest(t *testing.T, s *store.Store, devices, n, size int, reverse bool) int {
	newN := 0
	for from := 1; from <= n; from += size - size/3 {
		var round []store.DeviceBatch
		for d := range devices {
			if reverse {
				d = devices - 1 - d
			}
			round = append(round, batch(fmt.Sprintf("bus-%d", d), uint64(from), uint64(min(from+size-1, n))))
		}
		saved, err := s.SaveTaps(context.Background(), round)
		if err != nil {
			t.Error(err)
			return newN
		}
		for _, sv := range saved {
			newN += sv.New
		}
	}
	return newN
}

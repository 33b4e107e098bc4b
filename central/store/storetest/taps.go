package storetest

import (
	"fmt"
	"hash/fnv"
	"time"

	"karta/central/store"
	"karta/offline"
	"karta/offline/offlinetest"
)

// T0 is the device time of the first tap Batch makes.
var T0 = time.Date(2026, 11, 21, 7, 30, 0, 0, time.UTC)

// Tap is a bus tap with seq, a second after the previous seq (seq 1 at
// T0), by the card offlinetest.Token(card).
func Tap(seq uint64, card int) offline.Tap {
	return offline.Tap{Seq: seq, Boot: 1, Time: T0.Add(time.Duration(seq-1) * time.Second),
		Clock: "synced", Reader: "pcsc0", Role: "bus", Token: offlinetest.Token(card),
		Scheme: "mir", Allowed: true, Reason: "privileged", Product: "pensioner", Fare: 0,
		List: "bus-fleet", ListVersion: 7, Flags: []string{"stale-list"}, LatencyUS: 850}
}

// Batch is device's taps from..to inclusive, received at recv, by cards
// spread over Cards as a fleet's would be.
func Batch(device string, from, to uint64, recv time.Time) store.DeviceBatch {
	b := store.DeviceBatch{Device: device, Received: recv}
	for q := from; q <= to; q++ {
		b.Taps = append(b.Taps, Tap(q, Card(device, q)))
	}
	return b
}

// Cards is how many cards Batch's taps come from.
const Cards = 200_000

// Card is the card tapping seq on device: the same for the same
// arguments, scattered over Cards.
func Card(device string, seq uint64) int {
	h := fnv.New64a()
	fmt.Fprintf(h, "%s/%d", device, seq)
	return int(h.Sum64() % Cards)
}

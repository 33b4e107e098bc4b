// Package synctest has stand-ins for tests of the device's link: Central
// stores tap batches by (device, seq), as central does, and acks what it
// stored; Lists publishes list offers and chunks as central does; Hub is a
// broker in memory. Central and Lists talk to a real broker (Mosquitto,
// the embedded one) or to a Hub.
package synctest

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	tapsync "karta/sync"
)

// Central is the stand-in.
type Central struct {
	mu     sync.Mutex
	stored map[string]map[uint64]int // device → seq → times received
	// DropAcks makes it forget to ack the next n batches.
	DropAcks atomic.Int32
	conn     tapsync.Conn
	Status   chan tapsync.Status
}

// Start connects a stand-in central to the broker at url.
func Start(t testing.TB, url string) *Central {
	t.Helper()
	conn, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: url, ClientID: "central-stand-in"})(context.Background(), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(conn.Close)
	return Attach(t, conn)
}

// Attach runs a stand-in central on a connection of the test's (an
// embedded broker's inline client, a Hub's Conn).
func Attach(t testing.TB, conn tapsync.Conn) *Central {
	t.Helper()
	c := &Central{stored: map[string]map[uint64]int{}, Status: make(chan tapsync.Status, 64), conn: conn}
	for filter, h := range map[string]func(string, []byte){"karta/v1/dev/+/taps": c.onTaps, "karta/v1/dev/+/status": c.onStatus} {
		if err := conn.Subscribe(filter, 1, h); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

func (c *Central) onTaps(topic string, b []byte) {
	dev, _ := tapsync.DeviceOf(topic)
	m, err := tapsync.DecodeTapBatch(dev, b)
	if err != nil {
		return
	}
	c.mu.Lock()
	if c.stored[dev] == nil {
		c.stored[dev] = map[uint64]int{}
	}
	for _, tap := range m.Taps {
		c.stored[dev][tap.Seq]++
	}
	c.mu.Unlock()
	if c.DropAcks.Add(-1) >= 0 {
		return
	}
	ack, _ := tapsync.Encode(tapsync.Ack{V: tapsync.V, Device: dev, Ranges: []tapsync.SeqRange{{From: m.From, To: m.To}}})
	go c.conn.Publish(tapsync.AckTopic(dev), 1, false, ack) // never block paho's handler
}

func (c *Central) onStatus(topic string, b []byte) {
	dev, _ := tapsync.DeviceOf(topic)
	if st, err := tapsync.DecodeStatus(dev, b); err == nil {
		select {
		case c.Status <- st:
		default:
		}
	}
}

// Distinct is how many distinct seqs of device were stored.
func (c *Central) Distinct(device string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.stored[device])
}

// Duplicates is how many receptions of device's taps were repeats.
func (c *Central) Duplicates(device string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, k := range c.stored[device] {
		n += k - 1
	}
	return n
}

// Has reports whether seq of device was stored.
func (c *Central) Has(device string, seq uint64) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.stored[device][seq] > 0
}

// WaitStatus reads the devices' statuses until one satisfies ok, and
// fails t when none has within; what names the status wanted.
func (c *Central) WaitStatus(t testing.TB, within time.Duration, what string, ok func(tapsync.Status) bool) tapsync.Status {
	t.Helper()
	deadline := time.After(within)
	for {
		select {
		case st := <-c.Status:
			if ok(st) {
				return st
			}
		case <-deadline:
			t.Fatalf("no status with %s within %s", what, within)
		}
	}
}

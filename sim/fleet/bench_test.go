package fleet_test

import (
	"context"
	"fmt"
	"slices"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"karta/central/broker"
	"karta/central/ingest"
	"karta/internal/mosquittotest"
	"karta/sim/fleet"
	tapsync "karta/sync"
)

// deployments are central's two ways to run: the embedded broker with
// SQLite, and Mosquitto with PostgreSQL (central on the shared
// subscription); raw is the same broker alone, for the baseline.
var deployments = []struct {
	name    string
	central func(testing.TB, func(*ingest.Ingester)) *central
	raw     func(testing.TB) rawBroker
}{
	{"embedded-sqlite", embedded, rawEmbedded},
	{"mosquitto-postgres", scaledOut, rawMosquitto},
}

// journals are the devices' journals in the benchmarks: in memory (the
// fleet's own, thousands of devices) and bbolt (the device's own, each
// Ack an fsync-ed transaction on disk).
var journals = []string{fleet.JournalMemory, fleet.JournalBbolt}

// shapes are the fleets BenchmarkEndToEnd drains, 500,000 taps each: a
// hundred devices with long backlogs (both journals), and two thousand
// with short ones (memory: 2,000 bbolt files would measure the disk).
var shapes = []struct {
	devices, backlog int
	journals         []string
}{
	{100, 5000, []string{fleet.JournalMemory, fleet.JournalBbolt}},
	{2000, 250, []string{fleet.JournalMemory}},
}

// BenchmarkEndToEnd: devices, each with a backlog, drain into central:
// taps/s stored and acked (from the links' start to the last ack).
// Baseline in the same run: the bare broker moving tap-batch-sized
// payloads from 100 publishers (QoS 1, each waiting for its PUBACK as the
// link does) to one subscriber.
func BenchmarkEndToEnd(b *testing.B) {
	const batch = 500
	for _, dep := range deployments {
		for _, sh := range shapes {
			for _, journal := range sh.journals {
				b.Run(fmt.Sprintf("%s/devices=%d/journal=%s", dep.name, sh.devices, journal), func(b *testing.B) {
					b.StopTimer() // only the fleet's runs are timed (drainFleet)
					c := dep.central(b, nil)
					var taps int64
					var took, last time.Duration
					var d diagnosis // of the last iteration
					for i := range b.N {
						o := fleet.Options{Devices: sh.devices, Backlog: sh.backlog, Prefix: fmt.Sprintf("e%d", i)}
						if journal == fleet.JournalBbolt {
							withBacklogs(b, &o, sh.backlog)
						}
						d = measure(c, func() {
							s := drainFleet(b, c, o)
							taps, took, last = taps+s.Acked, took+s.Drain, s.Drain
						})
					}
					d.report(b, last)
					rate := float64(taps) / took.Seconds()
					msgs := dep.raw(b).rate(b, 100, 20, payload(b, batch))
					b.ReportMetric(rate, "taps/s")
					b.ReportMetric(msgs, "raw-msgs/s")
					b.ReportMetric(msgs*batch, "raw-taps/s")
					b.ReportMetric(rate/(msgs*batch), "x-raw")
					b.ReportMetric(float64(c.in.Stats().Dropped), "dropped-batches")
				})
			}
		}
	}
}

// BenchmarkDrain100k: one device drains a backlog of 100,000 taps over
// loopback into central (embedded broker, SQLite), for a few link
// settings. Baseline in the same run: the bare broker moving the same
// payloads from one publisher (QoS 1, each waiting for its PUBACK); the
// median of 5 goes, as one pass takes milliseconds.
func BenchmarkDrain100k(b *testing.B) {
	const backlog = 100_000
	for _, o := range []tapsync.LinkOptions{{Batch: 500, Window: 4}, {Batch: 1000, Window: 8}, {Batch: 2500, Window: 8}, {Batch: 5000, Window: 4}} {
		for _, journal := range journals {
			b.Run(fmt.Sprintf("batch=%d/window=%d/journal=%s", o.Batch, o.Window, journal), func(b *testing.B) {
				b.StopTimer() // only the fleet's runs are timed (drainFleet)
				c := embedded(b, nil)
				var took, last time.Duration
				var d diagnosis // of the last iteration
				for i := range b.N {
					fo := fleet.Options{Devices: 1, Backlog: backlog, Prefix: fmt.Sprintf("d%d", i), Link: o}
					if journal == fleet.JournalBbolt {
						withBacklogs(b, &fo, backlog)
					}
					d = measure(c, func() { last = drainFleet(b, c, fo).Drain; took += last })
				}
				d.report(b, last)
				drain := took.Seconds() / float64(b.N)
				p := payload(b, o.Batch)
				var rates []float64
				for range 5 {
					rates = append(rates, rawEmbedded(b).rate(b, 1, backlog/o.Batch, p))
				}
				slices.Sort(rates)
				rawDrain := float64(backlog/o.Batch) / rates[2]
				b.ReportMetric(drain, "s/drain")
				b.ReportMetric(backlog/drain, "taps/s")
				b.ReportMetric(rawDrain, "raw-s")
				b.ReportMetric(drain/rawDrain, "x-raw")
				b.ReportMetric(float64(len(p)), "bytes/batch")
			})
		}
	}
}

// drainFleet runs a fleet that does not tap: its backlogs drain into c.
// The timer runs only while the fleet does.
func drainFleet(b *testing.B, c *central, o fleet.Options) fleet.Summary {
	b.Helper()
	o.Dial, o.Stagger, o.Log, o.Roles = c.dial, time.Millisecond, quiet, []string{fleet.RoleBus}
	f, err := fleet.New(o)
	if err != nil {
		b.Fatal(err)
	}
	b.StartTimer()
	s, err := f.Run(context.Background())
	b.StopTimer()
	if err != nil || !s.Drained {
		b.Fatalf("run: %v, %v", err, s)
	}
	return s
}

// diagnosis is what the benchmark saw beside its figure: the share of
// the drain the store was busy, its rate while busy, the size of its
// rounds, and how many of the machine's cores the process used.
type diagnosis struct {
	store     snapshot
	cpu, wall time.Duration
}

// measure runs f and diagnoses it.
func measure(c *central, f func()) diagnosis {
	s0, cpu0, t0 := c.rec.snapshot(), cpuTime(), time.Now()
	f()
	return diagnosis{store: c.rec.snapshot().sub(s0), cpu: cpuTime() - cpu0, wall: time.Since(t0)}
}

func (d diagnosis) report(b *testing.B, drain time.Duration) {
	b.ReportMetric(d.store.busy.Seconds()/drain.Seconds(), "store-busy")
	b.ReportMetric(float64(d.store.taps)/d.store.busy.Seconds(), "store-taps/s")
	b.ReportMetric(float64(d.store.taps)/float64(max(d.store.rounds, 1)), "taps/round")
	b.ReportMetric(d.cpu.Seconds()/d.wall.Seconds(), "cores")
}

// cpuTime is the CPU time (user and system) this process used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// payload is a tap batch of n taps as a device sends it.
func payload(tb testing.TB, n int) []byte {
	tb.Helper()
	f, err := fleet.New(fleet.Options{Devices: 1, Backlog: n, Dial: fleet.DialMQTT("tcp://127.0.0.1:1", nil, 0)})
	if err != nil {
		tb.Fatal(err)
	}
	d := f.Devices()[0]
	taps, err := d.Range(1, n)
	if err == nil && len(taps) != n {
		err = fmt.Errorf("%d taps in the backlog, want %d", len(taps), n)
	}
	var p []byte
	if err == nil {
		p, err = tapsync.Encode(tapsync.TapBatch{V: tapsync.V, Device: d.ID, From: 1, To: uint64(n), Taps: taps, Sent: time.Now()})
	}
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

// rawBroker is a bare broker: how publishers reach it, and one subscriber
// to all devices' taps, as central subscribes.
type rawBroker struct {
	dial      func(device string) tapsync.Dialer
	subscribe func(handle func(string, []byte)) error
}

func rawEmbedded(tb testing.TB) rawBroker {
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: passwords})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { b.Close() })
	sub := b.Conn() // central's inline client: the embedded broker lets no device read taps
	return rawBroker{dial: fleet.DialMQTT("tcp://"+b.Addr(), passwords.For, 0),
		subscribe: func(h func(string, []byte)) error { return sub.Subscribe(tapsync.Root+"dev/+/taps", 1, h) }}
}

func rawMosquitto(tb testing.TB) rawBroker {
	m := mosquittotest.Start(tb, mosquittoConf...)
	sub, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: m.URL(), ClientID: "raw-subscriber"})(context.Background(), "", nil)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(sub.Close)
	return rawBroker{dial: fleet.DialMQTT(m.URL(), nil, 0),
		subscribe: func(h func(string, []byte)) error { return sub.Subscribe(tapsync.SharedTapsFilter, 1, h) }}
}

// rate (once per rawBroker: it subscribes) publishes the message pubs×each times, from pubs publishers each
// waiting for its PUBACK, and returns the messages per second the
// subscriber received (from the first publish to the last arrival).
func (r rawBroker) rate(tb testing.TB, pubs, each int, payload []byte) float64 {
	tb.Helper()
	total := int64(pubs * each)
	var got atomic.Int64
	all := make(chan struct{})
	if err := r.subscribe(func(string, []byte) {
		if got.Add(1) == total {
			close(all)
		}
	}); err != nil {
		tb.Fatal(err)
	}
	conns := make([]tapsync.Conn, pubs)
	for i := range conns {
		id := fmt.Sprintf("raw-bus-%05d", i+1)
		c, err := r.dial(id)(context.Background(), "", nil)
		if err != nil {
			tb.Fatal(err)
		}
		defer c.Close()
		conns[i] = c
	}
	start := time.Now()
	errs := make(chan error, pubs)
	for i, c := range conns {
		go func() {
			topic := tapsync.TapsTopic(fmt.Sprintf("raw-bus-%05d", i+1))
			for range each {
				if err := c.Publish(topic, 1, false, payload); err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	select {
	case <-all:
	case err := <-errs:
		tb.Fatal(err)
	case <-time.After(2 * time.Minute):
		tb.Fatalf("the subscriber got %d of %d messages in 2 minutes", got.Load(), total)
	}
	return float64(total) / time.Since(start).Seconds()
}

package fleet

import (
	"context"
	"math/rand/v2"
	"sync/atomic"
	"time"

	"karta/offline"
	tapsync "karta/sync"
)

// Device is one simulated device: its journal, its link and its counters.
// It is the link's outbox, so that it sees every ack.
type Device struct {
	ID, Role string
	index    int // from 0, in the fleet

	journal Journal
	gate    *gate
	link    *tapsync.Link
	own     counters
	fleet   *counters
}

// counters are kept per device and for the whole fleet.
type counters struct {
	journaled, acked, refused atomic.Int64
}

var _ tapsync.Outbox = (*Device)(nil)

// Range is the journal's.
func (d *Device) Range(from uint64, max int) ([]offline.Tap, error) {
	return d.journal.Range(from, max)
}

// Ack prunes the journal and counts what it pruned.
func (d *Device) Ack(from, to uint64) (int, error) {
	n, err := d.journal.Ack(from, to)
	d.own.acked.Add(int64(n))
	d.fleet.acked.Add(int64(n))
	return n, err
}

// Journaled is how many taps the device journaled; Acked how many of them
// central acked; Refused how many a full journal refused.
func (d *Device) Journaled() int64 { return d.own.journaled.Load() }
func (d *Device) Acked() int64     { return d.own.acked.Load() }
func (d *Device) Refused() int64   { return d.own.refused.Load() }

// Backlog is what the journal holds unacked.
func (d *Device) Backlog() int { return d.journal.Backlog() }

// tap journals one tap of the device's role made at now.
func (d *Device) tap(now time.Time, r *rand.Rand) error {
	t := newTap(d.Role, d.index*CardsPerDevice, now, r)
	if err := d.journal.Append(&t); err != nil {
		d.own.refused.Add(1)
		d.fleet.refused.Add(1)
		return err
	}
	d.own.journaled.Add(1)
	d.fleet.journaled.Add(1)
	d.link.Kick() // as the agent does: the link sends at once
	return nil
}

// tapLoop taps every interval (± jitter) until ctx ends or n taps are made
// (n 0: no limit).
func (d *Device) tapLoop(ctx context.Context, rate, jitter float64, n int, r *rand.Rand) {
	interval := time.Duration(float64(time.Second) / rate)
	t := time.NewTimer(jittered(interval, jitter, r))
	defer t.Stop()
	for made := 0; n == 0 || made < n; made++ {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			d.tap(now, r) // a full journal refuses; Refused counts it
		}
		t.Reset(jittered(interval, jitter, r))
	}
}

// jittered is d spread uniformly by ± share of itself.
func jittered(d time.Duration, share float64, r *rand.Rand) time.Duration {
	return time.Duration(float64(d) * (1 + share*(2*r.Float64()-1)))
}

func (d *Device) status() tapsync.Status {
	return tapsync.Status{Role: d.Role, Boot: 1, Time: time.Now(), Synced: true, Backlog: d.journal.Backlog(), Agent: "karta-sim"}
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

package ingest

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// Store is what ingest needs of central's database.
type Store interface {
	SaveTaps(ctx context.Context, batches []store.DeviceBatch) ([]store.Saved, error)
	// RevokedDevices lists the decommissioned devices, whose batches
	// are refused.
	RevokedDevices(ctx context.Context) ([]string, error)
}

// Ingester stores tap batches in rounds and acks them after commit.
type Ingester struct {
	Conn  tapsync.Conn
	Store Store
	Log   *slog.Logger
	// Filter is the subscription: tapsync.SharedTapsFilter on an external
	// broker shared by several instances; the plain filter on the
	// embedded one.
	Filter string
	Round  int           // batches per round at most; 0: 256
	Wait   time.Duration // how long a round waits to fill; 0: 2ms
	Queue  int           // batches waiting for a round; 0: 4096
	// RoundTaps ends a round once it holds this many taps (0: 20,000):
	// large enough for one commit to pay for many taps, small enough that
	// a round takes well under a second and statuses are not kept waiting
	// for the database.
	RoundTaps int
	// QueueTaps bounds the taps waiting for a round (0: 1,000,000, about
	// half a minute of the store's work on SQLite): past it new batches
	// are dropped, and their devices send them again after their ack
	// timeout. Dropping costs a device that whole timeout, so the bound
	// is for memory, not for pacing: devices pace themselves by backing
	// off their ack timeout.
	QueueTaps int
	// Saved, if set, sees every stored batch with when it was received
	// (gap, skew and clone checks), after the round's acks are sent, on
	// the round's goroutine: it must hand the work over, not do it.
	Saved func(b tapsync.TapBatch, s store.Saved, received time.Time)
	// RevokedEvery is how often the revoked devices are read again (0:
	// 3 s): a device decommissioned since has its batches stored for at
	// most that long.
	RevokedEvery time.Duration
	// Now is the clock of receive times and of RevokedEvery; nil:
	// time.Now.
	Now func() time.Time

	revoked revokedSet // the round's goroutine's only
	in      chan received
	queued  atomic.Int64 // taps in the queue
	dropped atomic.Int64
	refused atomic.Int64
	stored  atomic.Int64
}

type received struct {
	batch tapsync.TapBatch
	at    time.Time
}

// Stats counts what ingest did since it started.
type Stats struct{ Stored, Dropped, Refused int64 }

// Stats returns the counters.
func (in *Ingester) Stats() Stats {
	return Stats{Stored: in.stored.Load(), Dropped: in.dropped.Load(), Refused: in.refused.Load()}
}

// Run subscribes and stores rounds until ctx ends or the connection drops.
func (in *Ingester) Run(ctx context.Context) error {
	in.defaults()
	if err := in.Conn.Subscribe(in.Filter, 1, in.onTaps); err != nil {
		return fmt.Errorf("ingest: subscribe %s: %w", in.Filter, err)
	}
	for {
		round, err := in.gather(ctx)
		if err != nil || ctx.Err() != nil {
			return err
		}
		if err := in.store(ctx, round); err != nil {
			in.Log.Error("ingest: round not stored; devices will send again", "batches", len(round), "err", err)
		}
	}
}

func (in *Ingester) defaults() {
	if in.Round == 0 {
		in.Round = 256
	}
	if in.Wait == 0 {
		in.Wait = 2 * time.Millisecond
	}
	if in.Queue == 0 {
		in.Queue = 4096
	}
	if in.RoundTaps == 0 {
		in.RoundTaps = 20_000
	}
	if in.QueueTaps == 0 {
		in.QueueTaps = 1_000_000
	}
	if in.RevokedEvery == 0 {
		in.RevokedEvery = 3 * time.Second
	}
	if in.Now == nil {
		in.Now = time.Now
	}
	if in.Filter == "" {
		in.Filter = tapsync.Root + "dev/+/taps"
	}
	if in.in == nil { // Run again on a new connection: what the old one queued is stored too
		in.in = make(chan received, in.Queue)
	}
}

// onTaps runs on the MQTT client's goroutine: decode, check, hand over.
func (in *Ingester) onTaps(topic string, payload []byte) {
	dev, ok := tapsync.DeviceOf(topic)
	b, err := tapsync.DecodeTapBatch(dev, payload)
	if !ok || err != nil {
		in.refused.Add(1)
		in.Log.Warn("ingest: batch refused", "topic", topic, "err", err)
		return
	}
	n := int64(len(b.Taps))
	if in.queued.Add(n) > int64(in.QueueTaps) {
		in.queued.Add(-n)
		in.dropped.Add(1)
		return
	}
	select {
	case in.in <- received{batch: b, at: in.Now()}:
	default:
		in.queued.Add(-n)
		in.dropped.Add(1)
	}
}

package alerts

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// Store is what the checks need of central's database.
type Store interface {
	RaiseAlerts(ctx context.Context, as []store.Alert) ([]store.Alert, error)
	MissingSeqs(ctx context.Context, device string, from, to uint64) (uint64, error)
	CardSightings(ctx context.Context, probes []store.CardProbe) ([]store.Sighting, error)
}

// Options configure a Checker.
type Options struct {
	Rules Rules
	Log   *slog.Logger     // nil: discard
	Now   func() time.Time // for gap grace and alert times; nil: time.Now
	Queue int              // events waiting; 0: 4096
	Group int              // events checked together; 0: 256
	Every time.Duration    // how often suspected gaps are confirmed; 0: 1s
}

// Checker raises alerts from batches and statuses; see the package doc.
// Batch and Status never block; Run does the work.
type Checker struct {
	st    Store
	o     Options
	in    chan event
	gaps  []gap // suspected, oldest first; Run's own
	stats struct{ checked, raised, dropped, confirmed atomic.Int64 }
}

// event is a stored batch or a status.
type event struct {
	batch    *tapsync.TapBatch
	saved    store.Saved
	status   *tapsync.Status
	received time.Time
}

// NewChecker makes a Checker on st.
func NewChecker(st Store, o Options) *Checker {
	o.Rules = o.Rules.withDefaults()
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Queue, o.Group, o.Every = orInt(o.Queue, 4096), orInt(o.Group, 256), orDur(o.Every, time.Second)
	return &Checker{st: st, o: o, in: make(chan event, o.Queue)}
}

// Batch queues a stored batch for checking; it fits ingest.Ingester.Saved.
func (c *Checker) Batch(b tapsync.TapBatch, s store.Saved, received time.Time) {
	if s.New == 0 {
		return // a resend: nothing new to check
	}
	c.queue(event{batch: &b, saved: s, received: received})
}

// Status queues a device's status for checking.
func (c *Checker) Status(st tapsync.Status, received time.Time) {
	c.queue(event{status: &st, received: received})
}

func (c *Checker) queue(e event) {
	select {
	case c.in <- e:
	default:
		c.stats.dropped.Add(1)
	}
}

// Stats counts what a Checker did.
type Stats struct {
	Checked   int64 // events checked
	Raised    int64 // alerts stored
	Dropped   int64 // events dropped on a full queue
	Confirmed int64 // suspected gaps looked at again after their grace
}

// Stats returns the counters.
func (c *Checker) Stats() Stats {
	return Stats{Checked: c.stats.checked.Load(), Raised: c.stats.raised.Load(),
		Dropped: c.stats.dropped.Load(), Confirmed: c.stats.confirmed.Load()}
}

// Run checks queued events in groups, and suspected gaps when their grace
// is over, until ctx ends.
func (c *Checker) Run(ctx context.Context) error {
	tick := time.NewTicker(c.o.Every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case e := <-c.in:
			c.check(ctx, c.group(e))
		case <-tick.C:
			c.confirmGaps(ctx)
		}
	}
}

// group takes e and whatever else is queued, up to Group events.
func (c *Checker) group(e event) []event {
	es := []event{e}
	for len(es) < c.o.Group {
		select {
		case e := <-c.in:
			es = append(es, e)
		default:
			return es
		}
	}
	return es
}

// raise stores the alerts found, logging what it could not.
func (c *Checker) raise(ctx context.Context, as []store.Alert) {
	if len(as) == 0 {
		return
	}
	raised, err := c.st.RaiseAlerts(ctx, as)
	if err != nil {
		c.o.Log.Error("alerts: not raised", "alerts", len(as), "err", err)
		return
	}
	c.stats.raised.Add(int64(len(raised)))
	for _, a := range raised {
		c.o.Log.Warn("alerts: raised", "kind", a.Kind, "device", a.Device, "token", a.Token, "detail", a.Detail)
	}
}

func orInt(v, def int) int {
	if v <= 0 {
		return def
	}
	return v
}

func orDur(v, def time.Duration) time.Duration {
	if v <= 0 {
		return def
	}
	return v
}

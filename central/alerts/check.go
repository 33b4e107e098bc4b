package alerts

import (
	"context"
	"fmt"
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// check looks at a group of events: gaps are suspected, skew and full
// journals raised at once, cards looked up in one go.
func (c *Checker) check(ctx context.Context, es []event) {
	var as []store.Alert
	var probes []probe
	now := c.o.Now()
	for _, e := range es {
		switch {
		case e.batch != nil:
			c.suspectGap(e, now)
			as = appendAlert(as, c.skew(e, now))
			probes = append(probes, probesOf(e.batch)...)
		case e.status != nil:
			as = appendAlert(as, c.journal(e.status, now))
		}
	}
	clones, err := c.clones(ctx, probes, now)
	if err != nil {
		c.o.Log.Error("alerts: cards not checked", "probes", len(probes), "err", err)
	}
	c.raise(ctx, append(as, clones...))
	c.stats.checked.Add(int64(len(es)))
}

func appendAlert(as []store.Alert, a *store.Alert) []store.Alert {
	if a == nil {
		return as
	}
	return append(as, *a)
}

// skew: a batch with taps on a synced clock, sent or tapped too far from
// central's time.
func (c *Checker) skew(e event, now time.Time) *store.Alert {
	b, limit := e.batch, c.o.Rules.Skew
	var synced bool
	var latest time.Time
	for i := range b.Taps {
		if t := &b.Taps[i]; t.Clock == "synced" {
			synced = true
			latest = maxTime(latest, t.Time)
		}
	}
	if !synced {
		return nil
	}
	var detail string
	if d := b.Sent.Sub(e.received); !b.Sent.IsZero() && (d > limit || d < -limit) {
		detail = fmt.Sprintf("batch %d-%d sent at %s by the device's clock, received at %s: %s off (limit %s)",
			b.From, b.To, stamp(b.Sent), stamp(e.received), d.Round(time.Second), limit)
	} else if d := latest.Sub(e.received); d > limit {
		detail = fmt.Sprintf("tap at %s by the device's synced clock, received at %s: %s in the future (limit %s)",
			stamp(latest), stamp(e.received), d.Round(time.Second), limit)
	}
	if detail == "" {
		return nil
	}
	return &store.Alert{Kind: store.AlertClockSkew, Device: b.Device, Detail: detail, At: now}
}

// journal: a status whose backlog nears its journal's capacity.
func (c *Checker) journal(st *tapsync.Status, now time.Time) *store.Alert {
	if !st.Online || st.Capacity <= 0 || st.Backlog*100 < c.o.Rules.JournalFull*st.Capacity {
		return nil
	}
	return &store.Alert{Kind: store.AlertJournalFull, Device: st.Device, At: now,
		Detail: fmt.Sprintf("journal %d of %d taps unsynced (%d %%, alarm at %d %%)",
			st.Backlog, st.Capacity, st.Backlog*100/st.Capacity, c.o.Rules.JournalFull)}
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

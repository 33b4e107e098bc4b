package alerts

import (
	"context"
	"fmt"
	"time"

	"karta/central/store"
)

// gap is a suspected gap: seqs from..to of device were not stored when a
// batch past them was.
type gap struct {
	device   string
	from, to uint64
	due      time.Time // when to look again
}

// maxGaps bounds the suspected gaps kept; beyond it the oldest go.
const maxGaps = 10000

// suspectGap notes the seqs a batch skipped over, to look at again after
// the grace period from now.
func (c *Checker) suspectGap(e event, now time.Time) {
	b, high := e.batch, e.saved.PrevHigh
	if b.From <= high+1 {
		return
	}
	if len(c.gaps) >= maxGaps {
		c.gaps = c.gaps[1:]
	}
	c.gaps = append(c.gaps, gap{device: b.Device, from: high + 1, to: b.From - 1, due: now.Add(c.o.Rules.GapGrace)})
}

// confirmGaps looks again at the suspected gaps whose grace is over and
// raises those still missing seqs.
func (c *Checker) confirmGaps(ctx context.Context) {
	now := c.o.Now()
	var as []store.Alert
	kept, looked := c.gaps[:0], 0
	for _, g := range c.gaps {
		if g.due.After(now) {
			kept = append(kept, g)
			continue
		}
		missing, err := c.st.MissingSeqs(ctx, g.device, g.from, g.to)
		looked++
		switch {
		case err != nil:
			c.o.Log.Error("alerts: gap not checked", "device", g.device, "from", g.from, "to", g.to, "err", err)
		case missing > 0:
			as = append(as, store.Alert{Kind: store.AlertSeqGap, Device: g.device, At: now,
				Detail: fmt.Sprintf("%d of seqs %d..%d missing after %s", missing, g.from, g.to, c.o.Rules.GapGrace)})
		}
	}
	c.gaps = kept
	c.raise(ctx, as)
	c.stats.confirmed.Add(int64(looked))
}

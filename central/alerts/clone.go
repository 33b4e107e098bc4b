package alerts

import (
	"context"
	"fmt"
	"slices"
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// probe is one card's taps on one device in a batch.
type probe struct {
	place place
	token string
	times []time.Time
}

// probesOf gathers a batch's taps by card, skipping unreadable cards.
func probesOf(b *tapsync.TapBatch) []probe {
	var ps []probe
	at := map[string]int{}
	for i := range b.Taps {
		t := &b.Taps[i]
		if t.Token == "" {
			continue
		}
		j, ok := at[t.Token]
		if !ok {
			j = len(ps)
			at[t.Token] = j
			ps = append(ps, probe{place: place{device: b.Device, role: t.Role}, token: t.Token})
		}
		ps[j].times = append(ps[j].times, t.Time)
	}
	return ps
}

// clones looks the probes' cards up on other devices and returns an alert
// per card seen somewhere it could not have got to in time.
func (c *Checker) clones(ctx context.Context, ps []probe, now time.Time) ([]store.Alert, error) {
	if len(ps) == 0 {
		return nil, nil
	}
	w := c.o.Rules.window()
	qs := make([]store.CardProbe, len(ps))
	for i, p := range ps {
		lo, hi := slices.MinFunc(p.times, time.Time.Compare), slices.MaxFunc(p.times, time.Time.Compare)
		qs[i] = store.CardProbe{Token: p.token, Device: p.place.device, From: lo.Add(-w), To: hi.Add(w)}
	}
	ss, err := c.st.CardSightings(ctx, qs)
	if err != nil {
		return nil, err
	}
	var as []store.Alert
	seen := map[string]bool{} // one alert per card and group
	for _, s := range ss {
		p := &ps[s.Probe]
		if seen[p.token] {
			continue
		}
		if a := c.clone(p, s, now); a != nil {
			seen[p.token] = true
			as = append(as, *a)
		}
	}
	return as, nil
}

// clone judges one sighting of a probe's card.
func (c *Checker) clone(p *probe, s store.Sighting, now time.Time) *store.Alert {
	here := p.place
	here.school = s.ProbeSchool
	there := place{device: s.Device, role: s.Role, school: s.School}
	hop := c.o.Rules.hop(here, there)
	if hop == 0 {
		return nil
	}
	for _, t := range p.times {
		apart := t.Sub(s.At).Abs()
		if apart < hop {
			// Against the first device of the pair by id: one alert for the
			// pair, whichever of them was checked first.
			return &store.Alert{Kind: store.AlertClonedCard, Device: min(here.device, there.device), Token: p.token, At: now,
				Detail: fmt.Sprintf("%s at %s and %s at %s: %s apart, under the %s it takes between them",
					there.device, stamp(s.At), here.device, stamp(t), apart.Round(time.Second), hop)}
		}
	}
	return nil
}

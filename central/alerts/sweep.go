package alerts

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// SweepStore is what a Sweeper needs of central's database.
type SweepStore interface {
	Devices(ctx context.Context) ([]store.Device, error)
	ListTimes(ctx context.Context) (map[string][]store.ListTime, error)
	OpenAlertsOf(ctx context.Context, kinds ...string) ([]store.Alert, error)
	RaiseAlerts(ctx context.Context, as []store.Alert) ([]store.Alert, error)
	ResolveAlert(ctx context.Context, id int64) error
}

// Sweeper raises the alerts that come from silence rather than from a
// message — a device offline too long, a device on a stale list — by
// looking at the whole registry every so often, and resolves them when
// the device is back or has caught up.
type Sweeper struct {
	st SweepStore
	o  Options
}

// NewSweeper makes a Sweeper on st. Of o it uses Rules (Offline,
// StaleList), Log, Now, and Every (how often Run sweeps; 0: 1 min).
func NewSweeper(st SweepStore, o Options) *Sweeper {
	o.Rules = o.Rules.withDefaults()
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.Every = orDur(o.Every, time.Minute)
	return &Sweeper{st: st, o: o}
}

// Run sweeps at once and then every Options.Every until ctx ends. A
// failed sweep is logged and tried again at the next.
func (s *Sweeper) Run(ctx context.Context) error {
	tick := time.NewTicker(s.o.Every)
	defer tick.Stop()
	for {
		if _, err := s.Sweep(ctx); err != nil && ctx.Err() == nil {
			s.o.Log.Error("alerts: sweep failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

// Swept is what one sweep did.
type Swept struct{ Raised, Resolved int }

// Sweep looks at every device once: it raises an offline alert for a
// device last seen longer than Rules.Offline ago and a stale_list alert
// for one whose list is stale (see stale), and resolves the open alerts
// of those kinds whose device is fine now, revoked, or gone. A device
// never seen (registered, not yet installed) raises nothing.
func (s *Sweeper) Sweep(ctx context.Context) (Swept, error) {
	ds, err := s.st.Devices(ctx)
	if err != nil {
		return Swept{}, err
	}
	lists, err := s.st.ListTimes(ctx)
	if err != nil {
		return Swept{}, err
	}
	now := s.o.Now()
	var found []store.Alert
	for i := range ds {
		if d := &ds[i]; !d.Revoked && !d.LastSeen.IsZero() {
			found = appendAlert(found, s.offline(d, now))
			found = appendAlert(found, s.stale(d, lists, now))
		}
	}
	var sw Swept
	if sw.Resolved, err = s.resolve(ctx, found); err != nil {
		return sw, err
	}
	raised, err := s.st.RaiseAlerts(ctx, found)
	sw.Raised = len(raised)
	for _, a := range raised {
		s.o.Log.Warn("alerts: raised", "kind", a.Kind, "device", a.Device, "detail", a.Detail)
	}
	return sw, err
}

// offline: last seen longer than Rules.Offline ago.
func (s *Sweeper) offline(d *store.Device, now time.Time) *store.Alert {
	if gone := now.Sub(d.LastSeen); gone > s.o.Rules.Offline {
		return &store.Alert{Kind: store.AlertOffline, Device: d.ID, At: now, Detail: fmt.Sprintf(
			"last seen %s, %s ago (limit %s)", d.LastSeen.UTC().Format(time.RFC3339), gone.Round(time.Second), s.o.Rules.Offline)}
	}
	return nil
}

// stale: a list the device runs is past its version's expiry, or behind
// the newest version since a newer one was issued longer than
// Rules.StaleList ago. A list central never issued is not judged.
func (s *Sweeper) stale(d *store.Device, lists map[string][]store.ListTime, now time.Time) *store.Alert {
	var why []string
	for _, l := range d.Lists {
		if w := staleWhy(l, lists[l.List], now, s.o.Rules.StaleList); w != "" {
			why = append(why, w)
		}
	}
	if len(why) == 0 {
		return nil
	}
	return &store.Alert{Kind: store.AlertStaleList, Device: d.ID, At: now, Detail: strings.Join(why, "; ")}
}

// staleWhy says why installed is stale against the versions issued
// (oldest first), or "" if it is not.
func staleWhy(installed tapsync.ListStatus, issued []store.ListTime, now time.Time, limit time.Duration) string {
	for _, v := range issued {
		if v.Version == installed.Version && !v.Expires.IsZero() && now.After(v.Expires) {
			return fmt.Sprintf("%s v%d expired at %s", installed.List, v.Version, v.Expires.UTC().Format(time.RFC3339))
		}
	}
	for _, v := range issued {
		if v.Version <= installed.Version {
			continue
		}
		if behind := now.Sub(v.Issued); behind > limit {
			newest := issued[len(issued)-1]
			return fmt.Sprintf("%s v%d installed, v%d issued %s ago (newest v%d; limit %s)",
				installed.List, installed.Version, v.Version, behind.Round(time.Minute), newest.Version, limit)
		}
		return "" // the first newer version is recent: not stale yet
	}
	return ""
}

// resolve resolves the open offline and stale_list alerts that found
// does not raise again.
func (s *Sweeper) resolve(ctx context.Context, found []store.Alert) (int, error) {
	still := map[[2]string]bool{}
	for _, a := range found {
		still[[2]string{a.Kind, a.Device}] = true
	}
	open, err := s.st.OpenAlertsOf(ctx, store.AlertOffline, store.AlertStaleList)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, a := range open {
		if still[[2]string{a.Kind, a.Device}] {
			continue
		}
		if err := s.st.ResolveAlert(ctx, a.ID); err != nil {
			return n, err
		}
		s.o.Log.Info("alerts: resolved", "kind", a.Kind, "device", a.Device)
		n++
	}
	return n, nil
}

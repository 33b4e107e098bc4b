package web

import (
	"context"
	"fmt"
	"html/template"
	"net/http"
	"sync"
	"time"

	"karta/central/store"
)

// chartHours is how far back the overview's chart looks; alertsCap is
// how many open alerts it counts before it says "1000+".
const chartHours, alertsCap = 24, 1000

type overviewData struct {
	Online, Offline int
	Backlog         int64
	Alerts          int
	AlertsText      string // "1000+" when there are more than alertsCap
	Recent          []store.Alert
	Chart           template.HTML
}

// overview is GET /: the fleet's state and the last day's taps.
func (s *server) overview(w http.ResponseWriter, r *http.Request, c *call) {
	d, err := s.overviewData(r.Context(), c)
	if err != nil {
		s.Log.Error("web: overview", "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	s.render(w, c, http.StatusOK, "overview", view{Title: "title.overview", Nav: "overview", D: d})
}

func (s *server) overviewData(ctx context.Context, c *call) (overviewData, error) {
	var d overviewData
	ds, err := s.Store.Devices(ctx)
	if err != nil {
		return d, err
	}
	for _, dv := range ds {
		switch {
		case dv.Revoked:
		case dv.Online:
			d.Online++
		default:
			d.Offline++
		}
		d.Backlog += int64(dv.Backlog)
	}
	as, err := s.Store.Alerts(ctx, true, alertsCap)
	if err != nil {
		return d, err
	}
	d.Alerts, d.AlertsText, d.Recent = len(as), fmt.Sprint(len(as)), as[:min(len(as), 5)]
	if len(as) == alertsCap {
		d.AlertsText += "+"
	}
	to := s.now().Truncate(time.Hour).Add(time.Hour)
	from := to.Add(-chartHours * time.Hour)
	hs, err := s.chart.get(ctx, s.Store, from, to, s.now())
	if err != nil {
		return d, err
	}
	d.Chart = tapsChart(from, chartHours, hs, s.Location, s.chartLabels(c.lang))
	return d, nil
}

// chartCache keeps the chart's counts for a minute: they are a day of
// taps to count, and every open overview asks.
type chartCache struct {
	mu       sync.Mutex
	from, at time.Time
	counts   []store.HourCount
}

const chartFresh = time.Minute

func (cc *chartCache) get(ctx context.Context, st Reports, from, to, now time.Time) ([]store.HourCount, error) {
	cc.mu.Lock()
	defer cc.mu.Unlock()
	if cc.from.Equal(from) && now.Sub(cc.at) < chartFresh && !now.Before(cc.at) {
		return cc.counts, nil
	}
	hs, err := st.TapsPerHour(ctx, from, to)
	if err == nil {
		cc.from, cc.at, cc.counts = from, now, hs
	}
	return hs, err
}

func (s *server) chartLabels(lang string) chartLabels {
	l := chartLabels{Title: tr(lang, "chart.title"), Taps: tr(lang, "chart.taps"), Hour: tr(lang, "chart.hour"),
		Allowed: tr(lang, "chart.allowed"), Denied: tr(lang, "chart.denied"), Roles: map[string]string{}}
	for _, r := range deviceRoles {
		l.Roles[r] = tr(lang, "role."+r)
	}
	return l
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request, c *call) {
	s.fail(w, c, http.StatusNotFound, "error.not_found")
}

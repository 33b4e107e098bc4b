package agent

import (
	"errors"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"karta/offline"
	"karta/readers"
	"karta/readers/emv"
)

// Metrics are the device's Prometheus metrics, on a registry of its own.
// A nil *Metrics records nothing.
type Metrics struct {
	Registry   *prometheus.Registry
	latency    *prometheus.HistogramVec
	decisions  *prometheus.CounterVec
	readerErrs *prometheus.CounterVec
	journalErr prometheus.Counter
	signalErr  prometheus.Counter
}

// NewMetrics makes the metrics, and gauges that read the journal and the
// lists when scraped.
func NewMetrics(journal func() offline.JournalStats, lists func() []offline.ListState, now func() time.Time) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "karta_tap_seconds",
			Help:    "Time from card in field to the person signalled (identify, decide, journal).",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1}}, []string{"role"}),
		decisions: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "karta_decisions_total",
			Help: "Taps by decision."}, []string{"role", "allowed", "reason"}),
		readerErrs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "karta_reader_errors_total",
			Help: "Cards that could not be read, by kind."}, []string{"reader", "kind"}),
		journalErr: prometheus.NewCounter(prometheus.CounterOpts{Name: "karta_journal_errors_total", Help: "Taps that could not be journaled."}),
		signalErr:  prometheus.NewCounter(prometheus.CounterOpts{Name: "karta_signal_errors_total", Help: "Failed writes to the indicator, buzzer, relay or display."}),
	}
	m.Registry.MustRegister(m.latency, m.decisions, m.readerErrs, m.journalErr, m.signalErr,
		journalCollector{journal}, listCollector{lists, now})
	return m
}

func (m *Metrics) tap(role string, d Decision, took time.Duration) {
	if m == nil {
		return
	}
	m.latency.WithLabelValues(role).Observe(took.Seconds())
	m.decisions.WithLabelValues(role, strconv.FormatBool(d.Allowed), string(d.Reason)).Inc()
}

func (m *Metrics) readError(reader string, err error) {
	if m != nil {
		m.readerErrs.WithLabelValues(reader, errorKind(err)).Inc()
	}
}

func (m *Metrics) journalError() {
	if m != nil {
		m.journalErr.Inc()
	}
}

func (m *Metrics) signalError() {
	if m != nil {
		m.signalErr.Inc()
	}
}

// errorKind names a read error for a metric label.
func errorKind(err error) string {
	for _, k := range []struct {
		err  error
		kind string
	}{
		{readers.ErrCardRemoved, "removed"}, {readers.ErrReaderGone, "reader_gone"}, {readers.ErrTimeout, "timeout"},
		{emv.ErrMalformed, "malformed"}, {emv.ErrNoApplication, "no_application"}, {emv.ErrNoPAN, "no_pan"},
		{emv.ErrTooManyAPDUs, "too_many_apdus"},
	} {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	return "other"
}

var (
	backlogDesc  = prometheus.NewDesc("karta_journal_backlog", "Taps journaled and not yet acked by central.", nil, nil)
	capDesc      = prometheus.NewDesc("karta_journal_capacity", "Unsynced taps the journal may hold.", nil, nil)
	listVerDesc  = prometheus.NewDesc("karta_list_version", "Installed list version.", []string{"list"}, nil)
	listAgeDesc  = prometheus.NewDesc("karta_list_age_seconds", "Age of the installed list version since central issued it.", []string{"list"}, nil)
	listSizeDesc = prometheus.NewDesc("karta_list_entries", "Entries of the installed list version.", []string{"list"}, nil)
)

type journalCollector struct{ stats func() offline.JournalStats }

func (c journalCollector) Describe(ch chan<- *prometheus.Desc) { ch <- backlogDesc; ch <- capDesc }
func (c journalCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.stats()
	ch <- prometheus.MustNewConstMetric(backlogDesc, prometheus.GaugeValue, float64(s.Backlog))
	ch <- prometheus.MustNewConstMetric(capDesc, prometheus.GaugeValue, float64(s.Capacity))
}

type listCollector struct {
	states func() []offline.ListState
	now    func() time.Time
}

func (c listCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- listVerDesc
	ch <- listAgeDesc
	ch <- listSizeDesc
}

func (c listCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.states() {
		ch <- prometheus.MustNewConstMetric(listVerDesc, prometheus.GaugeValue, float64(s.Version), s.List)
		ch <- prometheus.MustNewConstMetric(listAgeDesc, prometheus.GaugeValue, s.Age(c.now()).Seconds(), s.List)
		ch <- prometheus.MustNewConstMetric(listSizeDesc, prometheus.GaugeValue, float64(s.Entries), s.List)
	}
}

package api

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"karta/central/ingest"
	"karta/central/store"
	"karta/offline/token"
)

// Store is what the API reads of central's database.
type Store interface {
	Ping(ctx context.Context) error
	Devices(ctx context.Context) ([]store.Device, error)
	Device(ctx context.Context, id string) (store.Device, error)
	Taps(ctx context.Context, q store.TapQuery) ([]store.StoredTap, error)
	Alerts(ctx context.Context, open bool, limit int) ([]store.Alert, error)
	ListVersions(ctx context.Context, list string) ([]store.ListRow, error)
}

// Options configure the handler.
type Options struct {
	Store   Store
	Reports ReportStore         // nil: no report endpoints (reports.go)
	Fleet   Fleet               // nil: no device registration or decommissioning (fleet.go)
	Ingest  func() ingest.Stats // nil: no ingest counters in /metrics
	Token   string              // if set, every request but /healthz needs "Authorization: Bearer Token"
	// TokenKey turns the card numbers of a registry upload into tokens;
	// nil: POST /api/v1/registry answers 503.
	TokenKey *token.Key
	// MaxRegistryBytes bounds a registry upload's body; 0:
	// DefaultMaxRegistryBytes.
	MaxRegistryBytes int64
	Log              *slog.Logger
}

// Handler returns the API's handler.
func Handler(o Options) http.Handler {
	s := &server{Options: o}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", s.health)
	mux.Handle("GET /metrics", s.auth(promhttp.HandlerFor(s.registry(), promhttp.HandlerOpts{})))
	mux.Handle("GET /api/v1/devices", s.auth(http.HandlerFunc(s.devices)))
	mux.Handle("GET /api/v1/devices/{id}", s.auth(http.HandlerFunc(s.device)))
	mux.Handle("GET /api/v1/taps", s.auth(http.HandlerFunc(s.taps)))
	mux.Handle("GET /api/v1/alerts", s.auth(http.HandlerFunc(s.alerts)))
	mux.Handle("GET /api/v1/lists/{list}", s.auth(http.HandlerFunc(s.lists)))
	s.reportRoutes(mux)
	s.fleetRoutes(mux)
	return mux
}

type server struct{ Options }

func (s *server) auth(h http.Handler) http.Handler {
	if s.Token == "" {
		return h
	}
	want := []byte("Bearer " + s.Token)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if subtle.ConstantTimeCompare([]byte(r.Header.Get("Authorization")), want) != 1 {
			fail(w, http.StatusUnauthorized, "a bearer token is required")
			return
		}
		h.ServeHTTP(w, r)
	})
}

func (s *server) health(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		s.Log.Warn("api: health: database does not answer", "err", err)
		fail(w, http.StatusServiceUnavailable, "database does not answer")
		return
	}
	reply(w, map[string]string{"status": "ok"})
}

func (s *server) devices(w http.ResponseWriter, r *http.Request) {
	ds, err := s.Store.Devices(r.Context())
	s.answer(w, deviceViews(ds...), err)
}

func (s *server) device(w http.ResponseWriter, r *http.Request) {
	d, err := s.Store.Device(r.Context(), r.PathValue("id"))
	s.answer(w, deviceViews(d)[0], err)
}

func (s *server) alerts(w http.ResponseWriter, r *http.Request) {
	open := r.URL.Query().Get("open")
	if open != "" && open != "0" && open != "1" && open != "true" && open != "false" {
		fail(w, http.StatusBadRequest, "open is 1 or 0")
		return
	}
	as, err := s.Store.Alerts(r.Context(), open == "1" || open == "true", 0)
	s.answer(w, alertViews(as), err)
}

func (s *server) lists(w http.ResponseWriter, r *http.Request) {
	ls, err := s.Store.ListVersions(r.Context(), r.PathValue("list"))
	s.answer(w, listViews(ls), err)
}

// answer writes v as JSON, or the error: 404 for store.ErrNotFound, 400
// for store.ErrInvalid, else 500 (logged, not shown).
func (s *server) answer(w http.ResponseWriter, v any, err error) {
	switch {
	case err == nil:
		reply(w, v)
	case errors.Is(err, store.ErrNotFound):
		fail(w, http.StatusNotFound, "not found")
	case errors.Is(err, store.ErrInvalid):
		fail(w, http.StatusBadRequest, err.Error())
	default:
		s.Log.Error("api: request failed", "err", err)
		fail(w, http.StatusInternalServerError, "internal error; see central's log")
	}
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	json.NewEncoder(w).Encode(v) // a write error means the client left
}

func fail(w http.ResponseWriter, code int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(map[string]string{"error": msg})
}

// registry holds central's metrics: ingest's counters, read when scraped.
func (s *server) registry() *prometheus.Registry {
	reg := prometheus.NewRegistry()
	if s.Ingest == nil {
		return reg
	}
	for name, get := range map[string]func(ingest.Stats) int64{
		"karta_central_taps_stored_total":     func(st ingest.Stats) int64 { return st.Stored },
		"karta_central_batches_dropped_total": func(st ingest.Stats) int64 { return st.Dropped },
		"karta_central_batches_refused_total": func(st ingest.Stats) int64 { return st.Refused },
	} {
		reg.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help[name]},
			func() float64 { return float64(get(s.Ingest())) }))
	}
	return reg
}

var help = map[string]string{
	"karta_central_taps_stored_total":     "Taps ingest stored for the first time.",
	"karta_central_batches_dropped_total": "Tap batches dropped because ingest was backed up (devices send them again).",
	"karta_central_batches_refused_total": "Tap batches refused as malformed or sent for another device.",
}

package main

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"karta/central/alerts"
	"karta/central/control"
	"karta/central/store"
	tapsync "karta/sync"
)

// pollEvery is how often serve looks for new configs, commands and
// revocations in the database.
const pollEvery = 3 * time.Second

// sweepEvery is how often serve looks for devices offline too long and
// stale lists.
const sweepEvery = time.Minute

// steering is serve's part in device control and alerts: it refuses
// revoked devices at the embedded broker and drops them when revoked,
// delivers configs and commands, records what statuses say of them,
// checks batches and statuses for alerts, and sweeps the registry for
// devices offline too long and stale lists.
type steering struct {
	st    *store.Store
	log   *slog.Logger
	check *alerts.Checker
	sweep *alerts.Sweeper
	// kicker is the embedded broker's Disconnect, set once it runs,
	// while the API may already be decommissioning; nil on an external
	// broker.
	kicker atomic.Pointer[func(device string) bool]
}

func newSteering(st *store.Store, log *slog.Logger) *steering {
	return &steering{st: st, log: log, check: alerts.NewChecker(st, alerts.Options{Log: log}),
		sweep: alerts.NewSweeper(st, alerts.Options{Log: log, Every: sweepEvery})}
}

// setKick sets how a device is dropped from the embedded broker.
func (s *steering) setKick(kick func(device string) bool) { s.kicker.Store(&kick) }

// kick drops device from the embedded broker at once, and reports
// whether it was connected; false on an external broker.
func (s *steering) kick(device string) bool {
	if k := s.kicker.Load(); k != nil {
		return (*k)(device)
	}
	return false
}

// revoked is broker.Options.Revoked: a revoked device is refused; so is
// any device while the registry cannot be read (it retries).
func (s *steering) revoked(device string) bool {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d, err := s.st.Device(ctx, device)
	if errors.Is(err, store.ErrNotFound) {
		return false // not registered yet: its first status registers it
	}
	if err != nil {
		s.log.Warn("karta-central: registry unreadable; device refused", "device", device, "err", err)
		return true
	}
	return d.Revoked
}

// status takes a recorded status: the config and command it reports, the
// alerts it may raise.
func (s *steering) status(ctx context.Context, st tapsync.Status, received time.Time) {
	if err := control.Report(ctx, s.st, st); err != nil {
		s.log.Warn("karta-central: status's config or command not recorded", "device", st.Device, "err", err)
	}
	if st.ConfigError != "" {
		s.log.Warn("karta-central: device refused its config", "device", st.Device, "err", st.ConfigError)
	}
	s.check.Status(st, received)
}

// start runs the downlink, the checker and the sweep on conn until stop.
func (s *steering) start(ctx context.Context, conn tapsync.Conn) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	dl := &control.Downlink{Conn: conn, Store: s.st, Log: s.log, Every: pollEvery, Kick: func(id string) { s.kick(id) }}
	var wg sync.WaitGroup
	wg.Go(func() { dl.Run(ctx) })
	wg.Go(func() { s.check.Run(ctx) })
	wg.Go(func() { s.sweep.Run(ctx) })
	return func() { cancel(); wg.Wait() }
}

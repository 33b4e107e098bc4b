package main

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"karta/central/lists"
	"karta/central/store"
	"karta/offline/bundle"
	tapsync "karta/sync"
)

// buildEvery is how often serve builds the lists when it has the signing
// key: an import reaches the devices within it.
const buildEvery = time.Minute

// startLists publishes the stored lists on conn and keeps them current;
// with a signing key it also builds new versions every buildEvery. The
// returned stop ends both and waits for them.
func startLists(ctx context.Context, key *bundle.SigningKey, st *store.Store, conn tapsync.Conn, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	if key != nil {
		b := &lists.Builder{Store: st, Key: key, Log: log}
		wg.Go(func() { buildLoop(ctx, b, log) })
	}
	p := &lists.Publisher{Store: st, Conn: conn, Log: log}
	wg.Go(func() { p.Run(ctx) })
	return func() { cancel(); wg.Wait() }
}

// loadSigningKey loads serve's list signing key; without one central
// publishes the stored lists and builds none.
func loadSigningKey(path string) (*bundle.SigningKey, error) {
	if path == "" {
		return nil, nil
	}
	return bundle.LoadSigningKey(path)
}

// buildLoop builds the lists at once and then every buildEvery.
func buildLoop(ctx context.Context, b *lists.Builder, log *slog.Logger) {
	t := time.NewTicker(buildEvery)
	defer t.Stop()
	for {
		res, err := b.Build(ctx, false)
		for _, r := range res {
			if r.Built() {
				log.Info("karta-central: list built", "list", r.List, "version", r.Version, "why", r.Why,
					"entries", r.Entries, "puts", r.Puts, "deletes", r.Deletes)
			}
		}
		if err != nil && ctx.Err() == nil {
			log.Warn("karta-central: building lists failed; trying again", "err", err, "in", buildEvery)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"karta/agent"
	"karta/readers/emv"
)

// inboxEvery is how often the inbox is looked at for new list bundles.
const inboxEvery = 30 * time.Second

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	var record string
	cfg, _, err := parseConfig("run", args, stderr, func(fs *flag.FlagSet) {
		fs.StringVar(&record, "record", "", "write a transcript of every card session into `DIR`, card numbers and names replaced")
	})
	if err != nil {
		fmt.Fprintln(stderr, "karta-agent:", err)
		return 2
	}
	log := newLogger(cfg.LogLevel, stderr)
	if err := runAgent(ctx, cfg, log, stdout, record); err != nil {
		log.Error("karta-agent: stopped", "err", err)
		return 1
	}
	log.Info("karta-agent: stopped")
	return 0
}

func runAgent(ctx context.Context, cfg *agent.Config, log *slog.Logger, stdout io.Writer, record string) error {
	r, closeRun, err := openRun(cfg, log, stdout)
	if err != nil {
		return err
	}
	defer closeRun()
	if record != "" {
		if err := os.MkdirAll(record, 0o750); err != nil {
			return err
		}
		r.dev.Record = &agent.Recorder{Dir: record, Now: time.Now}
		log.Info("karta-agent: recording card sessions", "dir", record)
	}
	return serveDevice(ctx, r, log)
}

// openRun opens what a run of the agent holds — its stores, keys,
// outputs, the device with the config central sent it, the inbox — and
// returns it with close, which leaves the outputs in their safe state
// (relay released, light off) and closes the stores.
func openRun(cfg *agent.Config, log *slog.Logger, stdout io.Writer) (r *agentRun, close func(), err error) {
	st, err := openStores(cfg)
	if err != nil {
		return nil, nil, err
	}
	k, err := loadKeys(cfg)
	if err != nil {
		st.close()
		return nil, nil, err
	}
	out, err := openHardware(cfg, stdout)
	if err != nil {
		st.close()
		return nil, nil, err
	}
	close = func() { out.close(context.Background()); st.close() }
	dev, err := newDevice(cfg, st, k, out, log)
	if err != nil {
		close()
		return nil, nil, err
	}
	remote := &agent.RemoteConfig{Path: cfg.RemoteConfigPath(), Device: dev, Log: log}
	if err := remote.Load(cfg.DeviceID, k.lists); err != nil {
		log.Warn("karta-agent: the kept config from central is not applied; the file's rules run", "err", err)
	}
	inbox := &agent.Inbox{Dir: cfg.InboxDir(), Lists: st.lists, Keys: k.lists, Now: time.Now, Log: log}
	return &agentRun{cfg: cfg, dev: dev, st: st, k: k, inbox: inbox, remote: remote, health: newReaderHealth(cfg)}, close, nil
}

func newDevice(cfg *agent.Config, st *stores, k keys, out outputs, log *slog.Logger) (*agent.Device, error) {
	engine, err := cfg.Rules.Compile()
	if err != nil {
		return nil, err
	}
	clock := agent.SystemClock{Trusted: cfg.Clock == "trusted"}
	return &agent.Device{
		Engine: engine, Lists: st.lists, Journal: st.journal, Out: out.Output, Clock: clock, Log: log,
		Identify: emv.NewReader(k.token, emv.Options{Log: log}),
		Metrics:  agent.NewMetrics(st.journal.Stats, st.lists.States, clock.Now),
	}, nil
}

func serveDevice(ctx context.Context, r *agentRun, log *slog.Logger) error {
	cfg, dev, st, inbox := r.cfg, r.dev, r.st, r.inbox
	if _, err := inbox.Run(); err != nil {
		log.Error("karta-agent: inbox", "err", err)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { watchInbox(ctx, inbox, log) })
	if cfg.MetricsAddr != "" {
		stop := serveMetrics(cfg.MetricsAddr, dev, log)
		defer stop()
	}
	stopLink, err := startLink(ctx, r, log)
	if err != nil {
		return err
	}
	defer stopLink()
	if cfg.Sync.Broker != "" {
		defer drain(st, log) // runs before stopLink: the link is still up
	}
	log.Info("karta-agent: serving", "device", cfg.DeviceID, "role", dev.CurrentEngine().Role(), "readers", len(cfg.Readers), "boot", st.journal.Boot())
	err = serveReaders(ctx, cfg, dev, r.health, log)
	cancel()
	wg.Wait()
	return err
}

func watchInbox(ctx context.Context, inbox *agent.Inbox, log *slog.Logger) {
	t := time.NewTicker(inboxEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := inbox.Run(); err != nil {
				log.Error("karta-agent: inbox", "err", err)
			}
		}
	}
}

// serveReaders runs one goroutine per reader until ctx ends or every
// reader has stopped.
func serveReaders(ctx context.Context, cfg *agent.Config, dev *agent.Device, health *readerHealth, log *slog.Logger) error {
	rs, closeReaders, err := openReaders(cfg)
	defer closeReaders()
	if err != nil {
		return err
	}
	var wg sync.WaitGroup
	errs := make([]error, len(rs))
	for i, r := range rs {
		wg.Go(func() { errs[i] = serveReader(ctx, dev, r, health, log) })
	}
	wg.Wait()
	if ctx.Err() != nil {
		return nil
	}
	return finished(errs)
}

// serveReader serves one reader and, when it fails (unplugged, pcscd
// restarted), listens again after its retry pause. Only a virtual reader
// that ran out of cards ends it.
func serveReader(ctx context.Context, dev *agent.Device, r configuredReader, health *readerHealth, log *slog.Logger) error {
	pause := r.retry.Duration
	if pause == 0 {
		pause = 2 * time.Second
	}
	for {
		health.set(r.reader.Name(), true)
		err := dev.Serve(ctx, r.reader, r.direction)
		if ctx.Err() != nil || errors.Is(err, errOutOfCards) {
			return err
		}
		health.set(r.reader.Name(), false)
		log.Warn("karta-agent: reader failed; listening again", "reader", r.reader.Name(), "err", err, "in", pause)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(pause):
		}
	}
}

// finished: readers that ran out of cards (simulated ones) end the run
// cleanly; any other failure is the run's error.
func finished(errs []error) error {
	var real []error
	for _, err := range errs {
		if err != nil && !errors.Is(err, errOutOfCards) {
			real = append(real, err)
		}
	}
	return errors.Join(real...)
}

func serveMetrics(addr string, dev *agent.Device, log *slog.Logger) (stop func()) {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(dev.Metrics.Registry, promhttp.HandlerOpts{}))
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go func() {
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("karta-agent: metrics", "addr", addr, "err", err)
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
	}
}

// drainFor bounds how long a stopping agent lets the link send what is
// left; whatever is not acked by then stays in the journal for next time.
const drainFor = 3 * time.Second

func drain(st *stores, log *slog.Logger) {
	deadline := time.Now().Add(drainFor)
	for st.journal.Stats().Backlog > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if n := st.journal.Stats().Backlog; n > 0 {
		log.Info("karta-agent: taps left for the next sync", "backlog", n)
	}
}

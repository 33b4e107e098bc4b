package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"karta/agent"
	tapsync "karta/sync"
)

// startLink runs the link to central when the config names a broker: the
// journal goes up, lists, config and commands come down.
func startLink(ctx context.Context, r *agentRun, log *slog.Logger) (stop func(), err error) {
	cfg, dev := r.cfg, r.dev
	if cfg.Sync.Broker == "" {
		log.Info("karta-agent: no [sync] broker: standalone; taps wait in the journal")
		return func() {}, nil
	}
	opts, err := mqttOptions(cfg)
	if err != nil {
		return nil, err
	}
	link := &tapsync.Link{Device: cfg.DeviceID, Dial: tapsync.DialMQTT(opts), Outbox: r.st.journal, Log: log,
		Status: r.status, Down: r.downlink(), Opts: tapsync.LinkOptions{MaxBackoff: cfg.Sync.MaxBackoff.Duration}}
	dev.Journaled = link.Kick
	// The link outlives the readers: stop() ends it, after the agent has
	// let it send what is left (drain).
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { link.Run(ctx); close(done) }()
	return func() { cancel(); <-done }, nil
}

func mqttOptions(cfg *agent.Config) (tapsync.MQTTOptions, error) {
	s := cfg.Sync
	o := tapsync.MQTTOptions{URL: s.Broker, ClientID: cfg.DeviceID, Username: s.Username}
	if s.PasswordFile != "" {
		pw, err := os.ReadFile(s.PasswordFile)
		if err != nil {
			return o, fmt.Errorf("sync.password_file: %w", err)
		}
		o.Password = strings.TrimSpace(string(pw))
	}
	tc, err := tapsync.TLSFiles{CA: s.CA, Cert: s.Cert, Key: s.Key}.Config()
	o.TLS = tc
	return o, err
}

// status is the retained status, from the device's state; the link adds
// the config version and the last command.
func (r *agentRun) status() tapsync.Status {
	js := r.st.journal.Stats()
	s := tapsync.Status{Role: r.dev.CurrentEngine().Role(), Boot: js.Boot, Time: time.Now(), Synced: r.dev.Clock.Synced(),
		Backlog: js.Backlog, Capacity: js.Capacity, NextSeq: js.NextSeq, Agent: version, Readers: r.health.list()}
	for _, l := range r.st.lists.States() {
		s.Lists = append(s.Lists, tapsync.ListStatus{List: l.List, Version: l.Version, Issued: l.Issued, Entries: l.Entries})
	}
	return s
}

// version is the agent's software version, set at link time.
var version = "dev"

package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"time"

	"karta/agent"
	tapsync "karta/sync"
)

// startLink runs the link to central when the config names a broker.
func startLink(ctx context.Context, cfg *agent.Config, dev *agent.Device, st *stores, log *slog.Logger) (stop func(), err error) {
	if cfg.Sync.Broker == "" {
		log.Info("karta-agent: no [sync] broker: standalone; taps wait in the journal")
		return func() {}, nil
	}
	opts, err := mqttOptions(cfg)
	if err != nil {
		return nil, err
	}
	link := &tapsync.Link{Device: cfg.DeviceID, Dial: tapsync.DialMQTT(opts), Outbox: st.journal, Log: log,
		Status: statusOf(cfg, dev, st)}
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
	if s.CA == "" && s.Cert == "" {
		return o, nil
	}
	tc, err := tlsConfig(s)
	o.TLS = tc
	return o, err
}

func tlsConfig(s agent.SyncConfig) (*tls.Config, error) {
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if s.CA != "" {
		pem, err := os.ReadFile(s.CA)
		if err != nil {
			return nil, fmt.Errorf("sync.ca: %w", err)
		}
		tc.RootCAs = x509.NewCertPool()
		if !tc.RootCAs.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("sync.ca: no certificate in %s", s.CA)
		}
	}
	if s.Cert != "" {
		cert, err := tls.LoadX509KeyPair(s.Cert, s.Key)
		if err != nil {
			return nil, fmt.Errorf("sync.cert: %w", err)
		}
		tc.Certificates = []tls.Certificate{cert}
	}
	return tc, nil
}

// statusOf builds the retained status from the device's state.
func statusOf(cfg *agent.Config, dev *agent.Device, st *stores) func() tapsync.Status {
	return func() tapsync.Status {
		js := st.journal.Stats()
		s := tapsync.Status{Role: cfg.Rules.Role, Boot: js.Boot, Time: time.Now(), Synced: dev.Clock.Synced(),
			Backlog: js.Backlog, Capacity: js.Capacity, NextSeq: js.NextSeq, Agent: version}
		for _, l := range st.lists.States() {
			s.Lists = append(s.Lists, tapsync.ListStatus{List: l.List, Version: l.Version, Issued: l.Issued, Entries: l.Entries})
		}
		return s
	}
}

// version is the agent's software version, set at link time.
var version = "dev"

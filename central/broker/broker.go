package broker

import (
	"crypto/tls"
	"fmt"
	"io"
	"log/slog"
	"net"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
)

// Options configure the embedded broker.
type Options struct {
	Addr      string      // e.g. "127.0.0.1:1883"; ":0" for a free port
	TLS       *tls.Config // with client certificates for mTLS; nil: plain TCP
	Passwords Passwords
	Revoked   func(device string) bool // decommissioned devices are refused
	Log       *slog.Logger
}

// Broker is the running broker.
type Broker struct {
	srv  *mqtt.Server
	addr string
}

// Start listens and serves.
func Start(o Options) (*Broker, error) {
	log := o.Log
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	srv := mqtt.New(&mqtt.Options{InlineClient: true, Logger: log, Capabilities: capabilities()})
	if err := srv.AddHook(&acl{passwords: o.Passwords, revoked: o.Revoked}, nil); err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	ln, err := net.Listen("tcp", o.Addr) // bound here, so ":0" gives a port we know
	if err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	if err := srv.AddListener(listeners.NewTCP(listeners.Config{ID: "devices", Address: addr, TLSConfig: o.TLS})); err != nil {
		return nil, fmt.Errorf("broker: %w", err)
	}
	if err := srv.Serve(); err != nil {
		return nil, fmt.Errorf("broker: serve %s: %w", addr, err)
	}
	return &Broker{srv: srv, addr: addr}, nil
}

// capabilities are mochi's defaults but for retained messages, which are
// kept until replaced: central retains list offers, chunks and configs
// for devices that connect a week later, and mochi would drop them after
// a day.
func capabilities() *mqtt.Capabilities {
	c := mqtt.NewDefaultServerCapabilities()
	c.MaximumMessageExpiryInterval = 0
	return c
}

// Addr is where devices connect.
func (b *Broker) Addr() string { return b.addr }

// Close stops the broker.
func (b *Broker) Close() error { return b.srv.Close() }

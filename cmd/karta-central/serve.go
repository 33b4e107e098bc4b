package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"karta/central/broker"
	"karta/central/ingest"
	"karta/central/store"
	tapsync "karta/sync"
)

type serveFlags struct {
	db, listen, secretFile, mqttURL string
	api, apiTokenFile               string
	signingKey                      string
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	fs.StringVar(&f.db, "db", "var/central.db", "SQLite `PATH` or a postgres:// DSN")
	fs.StringVar(&f.listen, "listen", "127.0.0.1:1883", "embedded broker `ADDR` for devices")
	fs.StringVar(&f.secretFile, "secret-file", "var/central.secret", "`FILE` of the secret device passwords derive from (made if missing)")
	fs.StringVar(&f.mqttURL, "mqtt-url", "", "an external broker `URL` instead of the embedded one (shared subscription)")
	fs.StringVar(&f.api, "api", "", "HTTP API `ADDR` (health, metrics, JSON), e.g. 127.0.0.1:8080; none if empty")
	fs.StringVar(&f.apiTokenFile, "api-token-file", "", "`FILE` of the bearer token the API requires (needed off loopback)")
	fs.StringVar(&f.signingKey, "signing-key", "", "list signing key `FILE`: build list versions too, not only publish the stored ones")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	if err := runCentral(ctx, f, log, stdout); err != nil {
		log.Error("karta-central: stopped", "err", err)
		return 1
	}
	log.Info("karta-central: stopped")
	return 0
}

func runCentral(ctx context.Context, f serveFlags, log *slog.Logger, stdout io.Writer) error {
	if !strings.HasPrefix(f.db, "postgres") {
		if err := os.MkdirAll(dirOf(f.db), 0o750); err != nil {
			return err
		}
	}
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return err
	}
	defer st.Close()
	steer := newSteering(st, log)
	conn, filter, stop, err := connect(ctx, f, steer, log, stdout)
	if err != nil {
		return err
	}
	defer stop()
	if err := conn.Subscribe(tapsync.Root+"dev/+/status", 1, statusHandler(st, steer, log)); err != nil {
		return err
	}
	in := &ingest.Ingester{Conn: conn, Store: st, Log: log, Filter: filter, Saved: steer.check.Batch}
	defer steer.start(ctx, conn)()
	stopAPI, err := startAPI(f.api, f.apiTokenFile, st, in.Stats, log, stdout)
	if err != nil {
		return err
	}
	defer stopAPI()
	stopLists, err := startLists(ctx, f.signingKey, st, conn, log)
	if err != nil {
		return err
	}
	defer stopLists()
	log.Info("karta-central: serving", "db", st.Backend())
	return in.Run(ctx)
}

// connect starts the embedded broker, or joins an external one on the
// shared subscription.
func connect(ctx context.Context, f serveFlags, steer *steering, log *slog.Logger, stdout io.Writer) (tapsync.Conn, string, func(), error) {
	if f.mqttURL != "" {
		conn, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: f.mqttURL, ClientID: instanceID()})(ctx, "", nil)
		if err != nil {
			return nil, "", nil, err
		}
		return conn, tapsync.SharedTapsFilter, conn.Close, nil
	}
	secret, err := loadSecret(f.secretFile)
	if err != nil {
		return nil, "", nil, err
	}
	b, err := broker.Start(broker.Options{Addr: f.listen, Passwords: broker.Passwords{Secret: secret}, Log: log, Revoked: steer.revoked})
	if err != nil {
		return nil, "", nil, err
	}
	steer.kick = func(id string) { b.Disconnect(id) }
	fmt.Fprintf(stdout, "karta-central: devices connect to mqtt://%s\n", b.Addr())
	return b.Conn(), tapsync.Root + "dev/+/taps", func() { b.Close() }, nil
}

// statusHandler records each device's retained status, and what it says
// of its config and last command; it never blocks the broker for long (a
// row update or three; alert checks are queued).
func statusHandler(st *store.Store, steer *steering, log *slog.Logger) func(string, []byte) {
	return func(topic string, payload []byte) {
		dev, _ := tapsync.DeviceOf(topic)
		s, err := tapsync.DecodeStatus(dev, payload)
		if err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			received := time.Now()
			if err = st.UpdateStatus(ctx, s, received); err == nil {
				steer.status(ctx, s, received)
			}
			cancel()
		}
		if err != nil {
			log.Warn("karta-central: status not recorded", "topic", topic, "err", err)
		}
	}
}

func dirOf(path string) string {
	if i := strings.LastIndexByte(path, '/'); i > 0 {
		return path[:i]
	}
	return "."
}

// instanceID names this central instance on a shared broker: unique, so
// that several instances (even in one process) keep their sessions.
func instanceID() string {
	b := make([]byte, 4)
	rand.Read(b) // crypto/rand does not fail on Linux
	return fmt.Sprintf("karta-central-%d-%x", os.Getpid(), b)
}

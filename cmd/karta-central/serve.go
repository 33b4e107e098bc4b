package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	mrand "math/rand/v2"
	"net/http"
	"os"
	"strings"
	"time"

	"karta/central/api"
	"karta/central/broker"
	"karta/central/control"
	"karta/central/ingest"
	"karta/central/store"
	"karta/central/web"
	"karta/offline/bundle"
	"karta/offline/token"
	tapsync "karta/sync"
)

type serveFlags struct {
	db, listen, secretFile, mqttURL string
	api, apiTokenFile               string
	mqttTLS                         tapsync.TLSFiles
	mqttUser, mqttPasswordFile      string
	signingKey                      string
	tokenKey                        string
	uiSecure                        bool
}

func serve(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-central serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var f serveFlags
	fs.StringVar(&f.db, "db", "var/central.db", "SQLite `PATH` or a postgres:// DSN")
	fs.StringVar(&f.listen, "listen", "127.0.0.1:1883", "embedded broker `ADDR` for devices")
	fs.StringVar(&f.secretFile, "secret-file", "var/central.secret", "`FILE` of the secret device passwords derive from (made if missing)")
	fs.StringVar(&f.mqttURL, "mqtt-url", "", "an external broker `URL` instead of the embedded one (shared subscription)")
	fs.StringVar(&f.mqttTLS.CA, "mqtt-ca", "", "with --mqtt-url ssl://…: the broker's CA `FILE` (PEM)")
	fs.StringVar(&f.mqttTLS.Cert, "mqtt-cert", "", "with --mqtt-url: central's client certificate `FILE` (mTLS; its common name is central's identity)")
	fs.StringVar(&f.mqttTLS.Key, "mqtt-key", "", "with --mqtt-url: the key `FILE` of --mqtt-cert")
	fs.StringVar(&f.mqttUser, "mqtt-username", "", "with --mqtt-url: a `USERNAME` for brokers with passwords")
	fs.StringVar(&f.mqttPasswordFile, "mqtt-password-file", "", "with --mqtt-url: the `FILE` of that username's password")
	fs.StringVar(&f.api, "api", "", "HTTP API `ADDR` (health, metrics, JSON), e.g. 127.0.0.1:8080; none if empty")
	fs.StringVar(&f.apiTokenFile, "api-token-file", "", "`FILE` of the bearer token the API requires (needed off loopback)")
	fs.StringVar(&f.signingKey, "signing-key", "", "list signing key `FILE`: build list versions too, not only publish the stored ones, and sign the ops UI's device commands")
	fs.StringVar(&f.tokenKey, "token-key", "", "token key `FILE`: the ops UI looks cards up by number, the API takes registry uploads")
	fs.BoolVar(&f.uiSecure, "ui-secure-cookies", false, "mark the ops UI's cookies Secure (central behind an HTTPS proxy)")
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
	key, err := loadSigningKey(f.signingKey)
	if err != nil {
		return err
	}
	if key == nil {
		log.Info("karta-central: no --signing-key: publishing the stored lists, building none")
	}
	tokenKey, err := loadTokenKey(f.tokenKey)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, f.db)
	if err != nil {
		return err
	}
	defer st.Close()
	c := &instance{f: f, st: st, key: key, log: log, steer: newSteering(st, log)}
	c.in = &ingest.Ingester{Store: st, Log: log, Saved: c.steer.check.Batch}
	stopAPI, err := startAPI(f.api, f.apiTokenFile,
		api.Options{Store: st, Reports: st, Fleet: c.fleet(), Ingest: c.in.Stats, TokenKey: tokenKey},
		c.ui(tokenKey), log, stdout)
	if err != nil {
		return err
	}
	defer stopAPI()
	if f.mqttURL != "" {
		opts, err := externalOptions(f)
		if err != nil {
			return err
		}
		return c.serveExternal(ctx, opts)
	}
	conn, stop, err := c.embedded(stdout)
	if err != nil {
		return err
	}
	defer stop()
	log.Info("karta-central: serving", "db", st.Backend())
	return c.serve(ctx, conn, tapsync.Root+"dev/+/taps")
}

// instance is one serving karta-central: its database, and what runs on
// each connection to the broker.
type instance struct {
	f     serveFlags
	st    *store.Store
	key   *bundle.SigningKey // nil: publish the stored lists, build none
	log   *slog.Logger
	steer *steering
	in    *ingest.Ingester
}

// serve runs everything that speaks MQTT on conn — statuses, ingest,
// configs and commands, lists — until ctx ends or conn is lost.
func (c *instance) serve(ctx context.Context, conn tapsync.Conn, filter string) error {
	if err := conn.Subscribe(tapsync.Root+"dev/+/status", 1, statusHandler(c.st, c.steer, c.log)); err != nil {
		return err
	}
	c.in.Conn, c.in.Filter = conn, filter
	defer c.steer.start(ctx, conn)()
	defer startLists(ctx, c.key, c.st, conn, c.log)()
	return c.in.Run(ctx)
}

// serveExternal keeps central on an external broker, on the shared
// subscription: connect, serve, and when the connection drops or does not
// come up, connect again after a backoff with jitter, until ctx ends.
// Every connection publishes the lists and configs again, so a broker
// that lost its retained messages gets them back.
func (c *instance) serveExternal(ctx context.Context, opts tapsync.MQTTOptions) error {
	const minBackoff, maxBackoff = time.Second, 30 * time.Second
	backoff := minBackoff
	for {
		opts.ClientID = instanceID()
		conn, err := tapsync.DialMQTT(opts)(ctx, "", nil)
		if err == nil {
			c.log.Info("karta-central: serving", "db", c.st.Backend(), "broker", c.f.mqttURL)
			began := time.Now()
			err = c.serve(ctx, conn, tapsync.SharedTapsFilter)
			conn.Close()
			if time.Since(began) > time.Minute {
				backoff = minBackoff
			}
		}
		if ctx.Err() != nil {
			return nil
		}
		c.log.Warn("karta-central: broker connection down; connecting again", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff/2 + time.Duration(mrand.Int64N(int64(backoff/2)))):
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// externalOptions are how central reaches an external broker: TLS with a
// client certificate (Mosquitto's use_identity_as_username), or a
// username and password.
func externalOptions(f serveFlags) (tapsync.MQTTOptions, error) {
	o := tapsync.MQTTOptions{URL: f.mqttURL, Username: f.mqttUser}
	if f.mqttPasswordFile != "" {
		pw, err := os.ReadFile(f.mqttPasswordFile)
		if err != nil {
			return o, fmt.Errorf("--mqtt-password-file: %w", err)
		}
		o.Password = strings.TrimSpace(string(pw))
	}
	tc, err := f.mqttTLS.Config()
	o.TLS = tc
	return o, err
}

// embedded starts the embedded broker.
func (c *instance) embedded(stdout io.Writer) (tapsync.Conn, func(), error) {
	secret, err := broker.LoadSecret(c.f.secretFile)
	if err != nil {
		return nil, nil, err
	}
	b, err := broker.Start(broker.Options{Addr: c.f.listen, Passwords: broker.Passwords{Secret: secret}, Log: c.log, Revoked: c.steer.revoked})
	if err != nil {
		return nil, nil, err
	}
	c.steer.setKick(b.Disconnect)
	fmt.Fprintf(stdout, "karta-central: devices connect to mqtt://%s\n", b.Addr())
	return b.Conn(), func() { b.Close() }, nil
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

// ui is the ops UI on central's store: card lookup with the token key,
// device commands signed with the list signing key, either off without
// its key.
func (c *instance) ui(key *token.Key) http.Handler {
	o := web.Options{Store: c.st, Users: c.st, Log: c.log, Location: web.Region(), Secure: c.f.uiSecure}
	if key != nil {
		o.Tokenize = func(pan string) (string, error) {
			b := []byte(pan)
			defer clear(b)
			return key.PANToken(b), nil
		}
	} else {
		c.log.Info("karta-central: no --token-key: the ops UI cannot look cards up by number")
	}
	if c.key != nil {
		o.Commands = &control.Issuer{Store: c.st, Key: c.key}
	}
	return web.Handler(o)
}

// loadTokenKey loads serve's token key; "" is none.
func loadTokenKey(path string) (*token.Key, error) {
	if path == "" {
		return nil, nil
	}
	return token.LoadKey(path)
}

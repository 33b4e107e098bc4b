package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/internal/browsertest"
	"karta/internal/syncbuf"
	"karta/offline/token"
	tapsync "karta/sync"
)

var uiAddr = regexp.MustCompile(`ops UI at (http://\S+?)/?\n`)

// uiCentral is karta-central serve with the ops UI, on SQLite, seeded
// through the real paths, for one browser test.
type uiCentral struct {
	t            *testing.T
	dir, db      string // db is in a directory of its own
	base         string // the UI's http://ADDR
	out          *syncbuf.Buffer
	tokenKey     *token.Key
	tokenKeyFile string
	signingKey   string
	secret       string
	now          time.Time
	taps         []store.StoredTap // seeded, newest first
	passwords    map[string]string // user (named as its role) → password
	stop         func()
}

// startUI seeds a database and serves it; serve stops at cleanup.
func startUI(t *testing.T) *uiCentral {
	t.Helper()
	dir := t.TempDir()
	c := &uiCentral{t: t, dir: dir, db: filepath.Join(dir, "db", "central.db"), out: &syncbuf.Buffer{},
		secret: filepath.Join(dir, "db", "central.secret"), signingKey: signingKey(t),
		now: time.Now().Truncate(time.Minute), passwords: map[string]string{}}
	if err := os.MkdirAll(filepath.Dir(c.db), 0o700); err != nil {
		t.Fatal(err)
	}
	c.makeTokenKey()
	c.importRegistry()
	for _, d := range uiDevices {
		args := []string{"device", "add", "--db", c.db, "--id", d[0], "--role", d[1]}
		if d[2] != "" {
			args = append(args, "--route", d[2])
		}
		if d[3] != "" {
			args = append(args, "--school", d[3])
		}
		mustRun(t, args...)
	}
	c.seedTaps()
	for _, role := range []string{"viewer", "technician", "admin"} {
		c.addUser(role, role)
	}
	c.serve()
	return c
}

// serve starts karta-central serve on the seeded database with its
// output (stdout and stderr) in c.out.
func (c *uiCentral) serve() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", c.db, "--listen", "127.0.0.1:0", "--secret-file", c.secret,
			"--api", "127.0.0.1:0", "--signing-key", c.signingKey, "--token-key", c.tokenKeyFile}, c.out, c.out)
	}()
	var stopped bool
	c.stop = func() {
		if !stopped {
			stopped = true
			cancel()
			if code := <-done; code != 0 {
				c.t.Errorf("serve exit %d:\n%s", code, c.out)
			}
		}
	}
	c.t.Cleanup(func() {
		c.stop()
		if c.t.Failed() {
			c.t.Logf("central's output:\n%s", c.out)
		}
	})
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		if m := uiAddr.FindStringSubmatch(c.out.String()); m != nil && brokerAddr.MatchString(c.out.String()) {
			c.base = m[1]
			return
		}
		select {
		case code := <-done:
			stopped = true
			c.t.Fatalf("serve exited %d before the UI came up:\n%s", code, c.out)
		default:
		}
	}
	c.t.Fatalf("serve did not say where the ops UI and the broker are:\n%s", c.out)
}

// browser opens Chromium on the UI (at most one Options).
func (c *uiCentral) browser(opts ...browsertest.Options) *browsertest.Browser {
	b := browsertest.New(c.t, opts...)
	b.Base = c.base
	return b
}

// login logs user in through form#login and checks it landed on the
// overview.
func (c *uiCentral) login(b *browsertest.Browser, user string) {
	c.t.Helper()
	b.Go("/login")
	b.Fill("form#login input[name=user]", user)
	b.Fill("form#login input[name=password]", c.passwords[user])
	if st := b.Click("button#login-submit"); st != 200 {
		c.t.Fatalf("login as %s: status %d at %s, saying %q", user, st, b.Location(), b.Texts(".error"))
	}
	b.WaitFor("form#logout")
}

// sendStatus publishes a device's status over the embedded broker, as
// its agent would, and waits until central recorded it.
func (c *uiCentral) sendStatus(s tapsync.Status) {
	c.t.Helper()
	m := brokerAddr.FindStringSubmatch(c.out.String())
	if m == nil {
		c.t.Fatalf("serve did not say where devices connect:\n%s", c.out)
	}
	pw, _ := mustRun(c.t, "device-password", "--secret-file", c.secret, "--id", s.Device)
	dev, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: "tcp://" + m[1], ClientID: s.Device, Username: s.Device,
		Password: strings.TrimSpace(pw), Timeout: 10 * time.Second})(context.Background(), "", nil)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(func() { dev.Close() })
	publish(c.t, dev, s)
	eventually(c.t, []string{"device", "list", "--db", c.db}, s.Device, "online")
}

// journalFull is bus-0112's status with its journal nearly full, which
// raises an alert.
func journalFull() tapsync.Status {
	s := busStatus()
	s.Backlog, s.Capacity = 95, 100
	return s
}

// openAlert waits for the journal_full alert of bus-0112 and returns its
// id.
func (c *uiCentral) openAlert() string {
	c.t.Helper()
	eventually(c.t, []string{"alerts", "--db", c.db, "--open"}, "journal_full  bus-0112")
	st := c.openStore(c.t)
	defer st.Close()
	as, err := st.Alerts(context.Background(), true, 10)
	for _, a := range as {
		if a.Kind == store.AlertJournalFull && a.Device == "bus-0112" {
			return fmt.Sprint(a.ID)
		}
	}
	c.t.Fatalf("no open journal_full alert of bus-0112 in %+v (%v)", as, err)
	return ""
}

// checkUnchanged checks that refused requests changed nothing: no
// command, the alert still open, the same three users, none disabled.
func (c *uiCentral) checkUnchanged(t *testing.T, alert string) {
	t.Helper()
	st := c.openStore(t)
	defer st.Close()
	ctx := context.Background()
	cmds, err := st.Commands(ctx, "", 10)
	if err != nil || len(cmds) != 0 {
		t.Errorf("commands %+v, %v; want none", cmds, err)
	}
	if ids := c.openAlerts(t); !slices.Contains(ids, alert) {
		t.Errorf("open alerts %v; want %s among them", ids, alert)
	}
	us, err := st.Users(ctx)
	var names []string
	for _, u := range us {
		names = append(names, u.Name)
		if u.Disabled {
			t.Errorf("user %s disabled", u.Name)
		}
	}
	if slices.Sort(names); err != nil || !slices.Equal(names, []string{"admin", "technician", "viewer"}) {
		t.Errorf("users %q, %v", names, err)
	}
}

// openAlerts returns the ids of the open alerts.
func (c *uiCentral) openAlerts(t *testing.T) []string {
	t.Helper()
	st := c.openStore(t)
	defer st.Close()
	as, err := st.Alerts(context.Background(), true, 10)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, a := range as {
		ids = append(ids, fmt.Sprint(a.ID))
	}
	return ids
}

// openStore opens the database beside serve, as the CLI commands do.
func (c *uiCentral) openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), c.db)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

package systemtest

import (
	"net"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// CentralOptions choose central's parts.
type CentralOptions struct {
	// DB is a SQLite file path or a postgres:// DSN; "": a SQLite file in
	// the test's temporary directory.
	DB string
	// MQTTURL is an external broker; "": the embedded broker, on a port
	// fixed for the test so that devices find a restarted central.
	MQTTURL string
	// Restart starts central again a second after it exits on its own, as
	// a service manager would (systemd Restart=always).
	Restart bool
}

// Central is karta-central serve, one process at a time.
type Central struct {
	DB     string
	Listen string // the embedded broker's host:port
	t      testing.TB
	bins   Binaries
	dir    string
	opts   CentralOptions
	out    *output

	serving  atomic.Int64 // "serving" lines logged, over all runs
	restarts atomic.Int64 // runs the supervisor started

	mu   sync.Mutex
	p    *proc
	down bool // the test stopped it: no restart
}

// StartCentral starts central and waits until it serves; it is killed at
// the end of the test.
func StartCentral(t testing.TB, bins Binaries, o CentralOptions) *Central {
	t.Helper()
	c := &Central{t: t, bins: bins, dir: t.TempDir(), opts: o, DB: o.DB}
	if c.DB == "" {
		c.DB = filepath.Join(c.dir, "central.db")
	}
	if o.MQTTURL == "" {
		c.Listen = freeAddr(t)
	}
	c.out = newOutput(t, "karta-central", func(line string) {
		if strings.Contains(line, `msg="karta-central: serving"`) {
			c.serving.Add(1)
		}
	})
	t.Cleanup(c.Kill)
	c.Start()
	return c
}

// Start starts central again (after Kill or Stop) and waits until it
// serves.
func (c *Central) Start() {
	c.t.Helper()
	before := c.serving.Load()
	c.mu.Lock()
	c.down = false
	err := c.spawn()
	c.mu.Unlock()
	if err != nil {
		c.t.Fatal(err)
	}
	Wait(c.t, 2*time.Minute, func() (bool, string) {
		return c.serving.Load() > before, "karta-central has not said it serves"
	})
}

// spawn starts a run; c.mu is held.
func (c *Central) spawn() error {
	p, err := startProc(c.out, c.dir, c.bins.Path("karta-central"), c.args()...)
	if err != nil {
		return err
	}
	c.p = p
	if c.opts.Restart {
		go c.supervise(p)
	}
	return nil
}

func (c *Central) args() []string {
	if c.opts.MQTTURL != "" {
		return []string{"serve", "--db", c.DB, "--mqtt-url", c.opts.MQTTURL}
	}
	return []string{"serve", "--db", c.DB, "--listen", c.Listen, "--secret-file", c.secretFile()}
}

func (c *Central) secretFile() string { return filepath.Join(c.dir, "central.secret") }

// supervise starts central again when p exits on its own.
func (c *Central) supervise(p *proc) {
	<-p.exited
	time.Sleep(time.Second)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.down || c.p != p {
		return
	}
	c.restarts.Add(1)
	if err := c.spawn(); err != nil {
		c.t.Errorf("restarting karta-central: %v", err)
	}
}

// Restarts is how many times the supervisor started central again.
func (c *Central) Restarts() int { return int(c.restarts.Load()) }

// Kill kills central with SIGKILL, mid-whatever it was doing.
func (c *Central) Kill() {
	if p := c.takeDown(); p != nil {
		p.kill()
	}
}

// Stop stops central with SIGTERM; it must exit 0.
func (c *Central) Stop() {
	c.t.Helper()
	p := c.takeDown()
	if p == nil {
		return
	}
	if code, err := p.stop(); err != nil || code != 0 {
		c.t.Errorf("karta-central stop: exit %d, %v", code, err)
	}
}

func (c *Central) takeDown() *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.down = true
	p := c.p
	c.p = nil
	return p
}

// Sync is how a device reaches this central's embedded broker: its URL
// and the device's password derived from central's secret.
func (c *Central) Sync(id string) SyncOptions {
	c.t.Helper()
	pw := run(c.t, c.dir, c.bins.Path("karta-central"), "device-password", "--secret-file", c.secretFile(), "--id", id)
	return SyncOptions{Broker: "tcp://" + c.Listen, Username: id, Password: strings.TrimSpace(pw)}
}

// freeAddr is a free port on 127.0.0.1, to be used by a process started
// next (a race with other programs taking it, which loopback tests accept).
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// Package mosquittotest runs a real Mosquitto broker for a test: its own
// config, on a free port of 127.0.0.1, stopped at cleanup, and stoppable
// and restartable in between for outage tests. In CI (CI=true) a missing
// mosquitto fails the test; elsewhere it skips, saying why.
package mosquittotest

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Broker is a running (or stopped) mosquitto.
type Broker struct {
	t    testing.TB
	Port int
	conf string
	cmd  *exec.Cmd
	log  string
}

// Start runs mosquitto with the given extra config lines (ACLs, TLS, auth);
// without any, anonymous clients may do anything.
func Start(t testing.TB, extra ...string) *Broker {
	t.Helper()
	bin, err := exec.LookPath("mosquitto")
	if err != nil {
		bin = "/usr/sbin/mosquitto"
		if _, err := os.Stat(bin); err != nil {
			need(t, "mosquitto is not installed (Debian package mosquitto; make test installs it)")
		}
	}
	b := &Broker{t: t, Port: freePort(t)}
	dir := t.TempDir()
	b.conf, b.log = filepath.Join(dir, "mosquitto.conf"), filepath.Join(dir, "mosquitto.log")
	conf := fmt.Sprintf("listener %d 127.0.0.1\npersistence false\nlog_dest file %s\nlog_type error\nlog_type warning\n", b.Port, b.log)
	if len(extra) == 0 {
		conf += "allow_anonymous true\n"
	}
	for _, l := range extra {
		conf += l + "\n"
	}
	if err := os.WriteFile(b.conf, []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	b.start(bin)
	t.Cleanup(b.Stop)
	return b
}

func need(t testing.TB, why string) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s: CI must have it", why)
	}
	t.Skip(why)
}

func (b *Broker) start(bin string) {
	b.t.Helper()
	b.cmd = exec.Command(bin, "-c", b.conf)
	b.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := b.cmd.Start(); err != nil {
		b.t.Fatalf("mosquitto: %v", err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", b.Addr(), 100*time.Millisecond)
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			log, _ := os.ReadFile(b.log)
			b.t.Fatalf("mosquitto did not listen on %s: %v\n%s", b.Addr(), err, log)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Addr is host:port; URL is tcp://host:port.
func (b *Broker) Addr() string { return fmt.Sprintf("127.0.0.1:%d", b.Port) }
func (b *Broker) URL() string  { return "tcp://" + b.Addr() }

// Stop kills the broker (SIGKILL: an outage, not a goodbye).
func (b *Broker) Stop() {
	if b.cmd != nil && b.cmd.Process != nil {
		b.cmd.Process.Kill()
		b.cmd.Wait()
		b.cmd = nil
	}
}

// Restart starts the broker again on the same port with the same config.
func (b *Broker) Restart() {
	b.t.Helper()
	b.Stop()
	bin, _ := exec.LookPath("mosquitto")
	if bin == "" {
		bin = "/usr/sbin/mosquitto"
	}
	b.start(bin)
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

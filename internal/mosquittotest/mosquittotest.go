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
	return StartConfig(t, func(port int) string {
		conf := fmt.Sprintf("listener %d 127.0.0.1\n", port)
		if len(extra) == 0 {
			conf += "allow_anonymous true\n"
		}
		for _, l := range extra {
			conf += l + "\n"
		}
		return conf
	})
}

// StartConfig runs mosquitto with the config conf returns for the free
// port it is given (listeners, TLS, ACL); persistence and logging are
// added.
func StartConfig(t testing.TB, conf func(port int) string) *Broker {
	t.Helper()
	bin := binary(t)
	b := &Broker{t: t, Port: freePort(t)}
	dir := t.TempDir()
	b.conf, b.log = filepath.Join(dir, "mosquitto.conf"), filepath.Join(dir, "mosquitto.log")
	text := fmt.Sprintf("persistence false\nlog_dest file %s\nlog_type error\nlog_type warning\n", b.log) + conf(b.Port)
	if os.Geteuid() == 0 {
		// As root mosquitto would switch to its own user, which cannot
		// read the test's files (0700 directory, 0600 keys).
		text += "user root\n"
	}
	if err := os.WriteFile(b.conf, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	b.start(bin)
	t.Cleanup(b.Stop)
	return b
}

func binary(t testing.TB) string {
	if bin, err := exec.LookPath("mosquitto"); err == nil {
		return bin
	}
	if _, err := os.Stat("/usr/sbin/mosquitto"); err != nil {
		need(t, "mosquitto is not installed (Debian package mosquitto; make test installs it)")
	}
	return "/usr/sbin/mosquitto"
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
	if f, err := os.OpenFile(b.log+".out", os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644); err == nil {
		b.cmd.Stdout, b.cmd.Stderr = f, f // errors before the log opens
	}
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
			out, _ := os.ReadFile(b.log + ".out")
			b.t.Fatalf("mosquitto did not listen on %s: %v\n%s%s", b.Addr(), err, out, log)
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
	b.start(binary(b.t))
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

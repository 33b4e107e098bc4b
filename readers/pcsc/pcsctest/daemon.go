package pcsctest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// Slots is how many readers the vpcd driver gives pcscd.
const Slots = 2

// StartTimeout bounds how long pcscd may take to show its readers.
const StartTimeout = 15 * time.Second

// Daemon is a pcscd started for one test.
type Daemon struct {
	t     testing.TB
	parts parts
	dir   string // config and log
	port  int    // the first slot's port; the second is port+1
	cmd   *exec.Cmd
	exit  chan error
}

// Start starts pcscd with two vpcd readers on free ports and waits until
// they are listed. The test's cleanup stops it.
func Start(t testing.TB) *Daemon {
	t.Helper()
	p, err := findParts()
	if err != nil {
		missing(t, "%v", err)
	}
	d := &Daemon{t: t, parts: p, dir: t.TempDir(), port: freePorts(t)}
	d.writeConfig()
	if err := os.Setenv("PCSCLITE_CSOCK_NAME", filepath.Join(socketDir(), "pcscd.comm")); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Stop)
	d.Restart()
	return d
}

// Addr is where the vpcd driver waits for the card of reader slot (0 or 1):
// the address for vpcd.Options.
func (d *Daemon) Addr(slot int) string { return fmt.Sprintf("127.0.0.1:%d", d.port+slot) }

// Reader is the PC/SC name of reader slot.
func (d *Daemon) Reader(slot int) string { return fmt.Sprintf("Virtual PCD 00 %02d", slot) }

// Restart starts pcscd again after Stop or Kill, with the same socket and
// ports, and waits for its readers. Start calls it the first time.
func (d *Daemon) Restart() {
	d.t.Helper()
	if err := os.MkdirAll(socketDir(), 0o755); err != nil {
		d.t.Fatal(err)
	}
	log, err := os.OpenFile(d.logPath(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		d.t.Fatal(err)
	}
	defer log.Close()
	d.cmd = d.parts.command(socketDir(), d.confDir())
	d.cmd.Stdout, d.cmd.Stderr = log, log
	if err := d.cmd.Start(); err != nil {
		missing(d.t, "cannot start pcscd in a mount namespace of its own (%v); it needs root or unprivileged user namespaces", err)
	}
	d.exit = make(chan error, 1)
	go func(cmd *exec.Cmd, exit chan<- error) { exit <- cmd.Wait() }(d.cmd, d.exit)
	d.waitReady()
}

// Stop stops pcscd as an administrator would (SIGTERM) and waits for it.
func (d *Daemon) Stop() { d.signal(syscall.SIGTERM) }

// Kill kills pcscd (SIGKILL), as a crash would, and waits for it.
func (d *Daemon) Kill() { d.signal(syscall.SIGKILL) }

func (d *Daemon) signal(sig syscall.Signal) {
	if d.cmd == nil {
		return
	}
	d.cmd.Process.Signal(sig)
	<-d.exit
	d.cmd = nil
	os.RemoveAll(socketDir()) // a killed pcscd leaves its socket and pid file
}

// Log returns what pcscd has written so far (debug level).
func (d *Daemon) Log() string {
	b, _ := os.ReadFile(d.logPath()) // no log yet is an empty log
	return string(b)
}

func (d *Daemon) logPath() string { return filepath.Join(d.dir, "pcscd.log") }

// confDir holds the reader configuration only: pcscd reads every file there.
func (d *Daemon) confDir() string { return filepath.Join(d.dir, "reader.conf.d") }

// waitReady polls until pcscd lists both vpcd readers.
func (d *Daemon) waitReady() {
	d.t.Helper()
	deadline := time.Now().Add(StartTimeout)
	for {
		names, err := listReaders()
		if err == nil && strings.Count(strings.Join(names, "\n"), "Virtual PCD") == Slots {
			return
		}
		select {
		case err := <-d.exit:
			d.cmd = nil
			d.t.Fatalf("pcsctest: pcscd exited (%v):\n%s", err, d.Log())
		case <-time.After(20 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			d.t.Fatalf("pcsctest: pcscd has not shown its vpcd readers in %v (last: %q, %v):\n%s", StartTimeout, names, err, d.Log())
		}
	}
}

func (d *Daemon) writeConfig() {
	conf := fmt.Sprintf("FRIENDLYNAME \"Virtual PCD\"\nDEVICENAME   /dev/null:%d\nLIBPATH      %s\nCHANNELID    %d\n",
		d.port, d.parts.driver, d.port)
	if err := os.MkdirAll(d.confDir(), 0o755); err != nil {
		d.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(d.confDir(), "vpcd"), []byte(conf), 0o644); err != nil {
		d.t.Fatal(err)
	}
}

package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"karta/internal/mosquittotest"
	"karta/offline/bundle/bundletest"
	"karta/sim"
	tapsync "karta/sync"
	"karta/sync/synctest"
)

// TestDownlinkEndToEnd runs the karta-agent binary with an empty inbox and
// a link to a real Mosquitto: its taps find no list until central offers
// one; the agent fetches it over MQTT, installs it, and the next taps are
// allowed. A selftest command from central is answered in the status,
// with the readers' health.
func TestDownlinkEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level test; not in -short")
	}
	bin := buildAgent(t)
	b := mosquittotest.Start(t)
	central := synctest.Start(t, b.URL())
	conn, err := tapsync.DialMQTT(tapsync.MQTTOptions{URL: b.URL(), ClientID: "central-lists"})(context.Background(), "", nil)
	must(t, err)
	t.Cleanup(conn.Close)
	lists := synctest.Lists{T: t, Conn: conn}

	d := provision(t, "bus", 0, "50ms", "mir-debit", "mir-credit")
	must(t, os.Remove(filepath.Join(d.inbox, "list-v1.bundle"))) // nothing from the USB stick
	cfg, err := os.ReadFile(d.config)
	must(t, err)
	must(t, os.WriteFile(d.config, []byte(strings.Replace(string(cfg), "[[readers]]", "[sync]\nbroker = \""+b.URL()+"\"\n\n[[readers]]", 1)), 0o640))

	cmd := exec.Command(bin, "run", "--config", d.config)
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	must(t, err)
	must(t, cmd.Start())
	kill := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer kill.Stop()
	var out strings.Builder
	sc := bufio.NewScanner(stderr)
	wait := func(s string) {
		t.Helper()
		for sc.Scan() {
			out.WriteString(sc.Text() + "\n")
			if strings.Contains(sc.Text(), s) {
				return
			}
		}
		t.Fatalf("the agent never logged %q:\n%s", s, out.String())
	}

	wait("reason=list_missing")
	v1 := bundletest.Snapshot(t, d.signing, "bus-fleet", 1, sim.Entries(d.token), time.Now().Add(720*time.Hour))
	lists.Chunks(v1)
	lists.Offer("bus-fleet", v1)
	wait(`msg="sync: list installed" list=bus-fleet version=1`)
	wait("allowed=true reason=ok") // the list from MQTT decides

	c, err := tapsync.Sign(d.signing, tapsync.Command{V: tapsync.V, Device: "test-bus", ID: "st-1", Kind: tapsync.CmdSelftest,
		Issued: time.Now(), Expires: time.Now().Add(time.Hour)})
	must(t, err)
	must(t, conn.Publish(tapsync.CmdTopic("test-bus"), 1, false, c))
	st := central.WaitStatus(t, 20*time.Second, "a command result", func(st tapsync.Status) bool { return st.Command != nil })
	if r := st.Command; !r.OK || !strings.Contains(r.Detail, "bus-fleet v1") || len(st.Readers) != 1 || st.Readers[0].Name != "front" || !st.Readers[0].OK {
		t.Errorf("selftest over MQTT: %+v, readers %+v", r, st.Readers)
	}

	must(t, cmd.Process.Signal(syscall.SIGTERM))
	go io.Copy(io.Discard, stderr)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("agent: %v\n%s", err, out.String())
	}
	noPAN(t, out.String()) // the taps themselves went to central and left the journal
}

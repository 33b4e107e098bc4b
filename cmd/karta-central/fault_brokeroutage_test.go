package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/central/store/storetest"
	"karta/internal/mosquittotest"
	"karta/internal/syncbuf"
	"karta/internal/systemtest"
)

// outage is how long the broker is down: minutes, as a crashed broker
// host that takes a while to come back.
const outage = 2 * time.Minute

// TestFaultBrokerOutage runs karta-central on an external Mosquitto and
// PostgreSQL, with three devices tapping throughout; Mosquitto is killed
// (SIGKILL) for two minutes and started again on the same port. The
// devices keep tapping and journaling while it is down, holding every tap
// central lacks, and afterwards drain what they journaled meanwhile, still
// tapping: every tap is stored exactly once, every journal drains.
//
// Central runs under a supervisor that starts it again a second after it
// exits (systemd's Restart=always): karta-central serve --mqtt-url exits
// when it loses the broker, see TestFaultCentralSurvivesBrokerOutage.
func TestFaultBrokerOutage(t *testing.T) {
	bins := faultTest(t)
	b := mosquittotest.Start(t)
	dsn := storetest.PostgresDSN(t, "")
	c := systemtest.StartCentral(t, bins, systemtest.CentralOptions{DB: dsn, MQTTURL: b.URL(), Restart: true})
	db := systemtest.OpenDB(t, dsn)
	fleet := systemtest.NewFleet(t, bins)
	var agents []*systemtest.Agent
	for i := range 3 {
		a := fleet.Agent(t, fmt.Sprintf("bus-%04d", i+1), systemtest.SyncOptions{Broker: b.URL()})
		a.Tap(50 * time.Millisecond)
		agents = append(agents, a)
	}
	for _, a := range agents {
		a.WaitTaps(10)
	}
	waitStored(t, db, agents, "before the outage")

	b.Stop()
	time.Sleep(outage) // the fault itself; nothing is measured by it
	for _, a := range agents {
		heldDuringOutage(t, db, a)
	}
	b.Restart()

	waitStored(t, db, agents, "journaled during the outage")
	for _, a := range agents {
		a.Stop()
		a.Quiet()
	}
	systemtest.WaitDrained(t, 3*time.Minute, agents...)
	for _, a := range agents {
		a.Stop()
	}
	c.Stop()
	t.Logf("the supervisor restarted central %d times", c.Restarts())
	systemtest.ExactlyOnce(t, db, agents...)
}

// heldDuringOutage checks the agent kept tapping while the broker was
// down and holds in its journal every tap central does not have.
func heldDuringOutage(t *testing.T, db *systemtest.DB, a *systemtest.Agent) {
	t.Helper()
	high, err := db.HighSeq(a.ID) // still: central has had no broker for minutes
	_, last := a.Logged()
	backlog, berr := a.Backlog() // only grows while the broker is down
	if err != nil || berr != nil || last <= high || backlog < int(last-high) {
		t.Errorf("%s after the outage: central's highest seq %d (%v), last tap logged %d, backlog %d (%v)",
			a.ID, high, err, last, backlog, berr)
	}
}

// waitStored waits until central has stored, of every agent, the last
// tap it has logged so far.
func waitStored(t *testing.T, db *systemtest.DB, agents []*systemtest.Agent, what string) {
	t.Helper()
	for _, a := range agents {
		_, last := a.Logged()
		systemtest.Wait(t, 3*time.Minute, func() (bool, string) {
			high, err := db.HighSeq(a.ID)
			return err == nil && high >= last, fmt.Sprintf("%s: central's highest seq %d (%v), want %d, the last tap %s", a.ID, high, err, last, what)
		})
	}
}

// TestFaultCentralSurvivesBrokerOutage: karta-central on an external
// broker must outlive a broker restart and store what devices send after
// it, as devices outlive it.
func TestFaultCentralSurvivesBrokerOutage(t *testing.T) {
	b := mosquittotest.Start(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	log, done := &syncbuf.Buffer{}, make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "--db", filepath.Join(t.TempDir(), "central.db"), "--mqtt-url", b.URL()}, io.Discard, log)
	}()
	systemtest.Wait(t, time.Minute, func() (bool, string) {
		return strings.Contains(log.String(), "karta-central: serving"), "central does not serve:\n" + log.String()
	})
	b.Restart() // killed, then started on the same port
	j := syncingDevice(t, b.URL(), "bus-0001", 100)
	systemtest.Wait(t, time.Minute, func() (bool, string) {
		select {
		case code := <-done:
			t.Fatalf("central exited %d when the broker went away:\n%s", code, log)
		default:
		}
		return j.Stats().Backlog == 0, fmt.Sprintf("device backlog %d", j.Stats().Backlog)
	})
}

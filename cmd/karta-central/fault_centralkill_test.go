package main

import (
	"fmt"
	"testing"
	"time"

	"karta/internal/mosquittotest"
	"karta/internal/systemtest"
)

// TestFaultCentralKill9MidBacklog kills karta-central with SIGKILL again
// and again while three devices sync a backlog of 20,000 taps, and starts
// it on the same SQLite file and the same broker port: every tap is
// stored exactly once and every journal drains.
//
// Central runs on its embedded broker, the single-machine default: a kill
// takes the broker down with the database mid-round, so devices lose
// their connection with batches in flight, reconnect with their derived
// passwords to the restarted central, and send again what was not acked,
// some of it already committed.
func TestFaultCentralKill9MidBacklog(t *testing.T) {
	bins := faultTest(t)
	c := systemtest.StartCentral(t, bins, systemtest.CentralOptions{})
	killMidBacklog(t, bins, c, c.Sync, 4)
}

// TestFaultCentralKill9SharedBroker is the same on an external Mosquitto
// that stays up: devices keep their connection, their batches in flight
// go to no one, and only their ack timeout tells them to send again.
func TestFaultCentralKill9SharedBroker(t *testing.T) {
	bins := faultTest(t)
	b := mosquittotest.Start(t)
	c := systemtest.StartCentral(t, bins, systemtest.CentralOptions{MQTTURL: b.URL()})
	killMidBacklog(t, bins, c, func(string) systemtest.SyncOptions { return systemtest.SyncOptions{Broker: b.URL()} }, 2)
}

// killMidBacklog gives three devices a backlog of 20,000 taps journaled
// offline, lets them sync it to c, kills c kills times as the stored count
// passes even steps, and checks every tap is stored once.
func killMidBacklog(t *testing.T, bins systemtest.Binaries, c *systemtest.Central, sync func(id string) systemtest.SyncOptions, kills int) {
	t.Helper()
	const devices, backlog = 3, 20_000
	fleet := systemtest.NewFleet(t, bins)
	var agents []*systemtest.Agent
	for i := range devices {
		id := fmt.Sprintf("bus-%04d", i+1)
		agents = append(agents, fleet.Agent(t, id, sync(id)))
	}
	for _, a := range agents {
		a.TapOffline(backlog/devices + 1)
	}
	for _, a := range agents {
		a.WaitDone(5 * time.Minute)
	}
	total := 0
	for _, a := range agents {
		n, _ := a.Logged()
		total += n
		a.Quiet()
	}
	db := systemtest.OpenDB(t, c.DB)
	for k := 1; k <= kills; k++ {
		threshold := total * k / (kills + 1)
		systemtest.Wait(t, 3*time.Minute, func() (bool, string) {
			n, err := db.Count()
			return err == nil && n >= threshold, fmt.Sprintf("central stored %d taps of %d (%v), kill %d waits for %d", n, total, err, k, threshold)
		})
		c.Kill()
		n, err := db.Count()
		t.Logf("kill %d: %d of %d taps stored (%v)", k, n, total, err)
		c.Start()
	}
	systemtest.WaitDrained(t, 3*time.Minute, agents...)
	for _, a := range agents {
		a.Stop()
	}
	c.Stop()
	systemtest.ExactlyOnce(t, db, agents...)
}

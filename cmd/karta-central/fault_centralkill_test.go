package main

import (
	"fmt"
	"testing"
	"time"

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
	const devices, backlog, kills = 3, 20_000, 4
	c := systemtest.StartCentral(t, bins, systemtest.CentralOptions{})
	fleet := systemtest.NewFleet(t, bins)
	var agents []*systemtest.Agent
	for i := range devices {
		id := fmt.Sprintf("bus-%04d", i+1)
		agents = append(agents, fleet.Agent(t, id, c.Sync(id)))
	}
	for i, a := range agents {
		a.TapOffline(backlog/devices + i)
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

package main

import (
	"testing"
	"time"

	"karta/internal/systemtest"
)

// TestFaultAgentKill9TapStorm kills karta-agent with SIGKILL in a tap
// storm, round after round, while it syncs to karta-central on its
// embedded broker and SQLite: after a last, quiet run every tap the
// journal numbered is at central exactly once and the journal is drained.
func TestFaultAgentKill9TapStorm(t *testing.T) {
	bins := faultTest(t)
	c := systemtest.StartCentral(t, bins, systemtest.CentralOptions{})
	a := systemtest.NewFleet(t, bins).Agent(t, "bus-storm", c.Sync("bus-storm"))
	for round := range 8 {
		a.Tap(0)
		a.WaitTaps(100 + 40*round)
		a.Kill()
	}
	db := systemtest.OpenDB(t, c.DB)
	n, err := db.Count()
	t.Logf("after 8 kills central had %d taps (%v); a quiet run drains the rest", n, err)
	a.Quiet()
	systemtest.WaitDrained(t, 3*time.Minute, a)
	a.Stop()
	c.Stop()
	systemtest.ExactlyOnce(t, db, a)
}

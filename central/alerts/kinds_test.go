package alerts_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/offline"
	tapsync "karta/sync"
)

// TestNormalTraffic: devices syncing in order, cards riding a bus to
// school and eating there, a journal half full: no alert.
func TestNormalTraffic(t *testing.T) {
	each(t, func(t *testing.T, c *central) {
		ctx := context.Background()
		must(t, c.st.PutDevice(ctx, store.Device{ID: "school-39-t1", Role: "turnstile", School: "school-39"}))
		must(t, c.st.PutDevice(ctx, store.Device{ID: "school-39-c1", Role: "canteen", School: "school-39"}))
		bus1, bus2 := c.device(t, "bus-0001"), c.device(t, "bus-0002")
		turnstile, canteen := c.device(t, "school-39-t1"), c.device(t, "school-39-c1")
		c.send(t, bus1, true, run(1, 50, 0, "bus"))
		c.send(t, bus1, true, run(51, 100, 0, "bus"))
		c.send(t, bus1, false, run(51, 100, 0, "bus")) // a resend
		c.send(t, bus2, true, run(1, 50, 1000, "bus"))
		now := time.Now()
		c.send(t, bus1, true, []offline.Tap{tap(101, 7, "bus", now.Add(-5*time.Minute)), tap(102, 7, "bus", now.Add(-4*time.Minute))})
		c.send(t, turnstile, true, []offline.Tap{tap(1, 7, "turnstile", now.Add(-2*time.Minute))})
		c.send(t, canteen, true, []offline.Tap{tap(1, 7, "canteen", now.Add(-time.Minute))})
		old := run(103, 110, 2000, "bus") // taken offline an hour ago, sent now
		for i := range old {
			old[i].Time = old[i].Time.Add(-time.Hour)
		}
		c.send(t, bus1, true, old)
		c.check.Status(tapsync.Status{Device: "bus-0001", Online: true, Backlog: 50, Capacity: 100}, time.Now())
		c.check.Status(tapsync.Status{Device: "bus-0002", Online: false, Backlog: 99, Capacity: 100}, time.Now())
		c.want += 2
		c.settle(t, 0)
		if open := c.open(t); len(open) != 0 {
			t.Errorf("alerts on normal traffic: %+v", open)
		}
	})
}

// TestSeqGap: a batch past a gap raises one alert however often it and
// later ones come; a gap that closes within the grace raises none.
func TestSeqGap(t *testing.T) {
	each(t, func(t *testing.T, c *central) {
		bus1, bus2 := c.device(t, "bus-0001"), c.device(t, "bus-0002")
		c.send(t, bus1, true, run(1, 10, 0, "bus"))
		c.send(t, bus1, true, run(20, 30, 0, "bus")) // 11..19 never come
		c.send(t, bus1, false, run(20, 30, 0, "bus"))
		c.send(t, bus1, true, run(40, 45, 0, "bus")) // another gap while the first is open
		c.send(t, bus2, true, run(11, 20, 100, "bus"))
		c.send(t, bus2, true, run(1, 10, 100, "bus")) // late, within the grace
		c.settle(t, 3)
		open := c.open(t)
		if gaps := open[store.AlertSeqGap]; len(gaps) != 1 || gaps[0].Device != "bus-0001" || !strings.Contains(gaps[0].Detail, "9 of seqs 11..19 missing") {
			t.Errorf("gap alerts %+v, want one for bus-0001 seqs 11..19", gaps)
		}
		if len(open) != 1 {
			t.Errorf("other alerts: %+v", open)
		}
	})
}

// TestClockSkew: batches sent by a synced clock minutes off raise one
// alert per device; an unsynced clock, or old taps sent late, none.
func TestClockSkew(t *testing.T) {
	each(t, func(t *testing.T, c *central) {
		fast, slow, unsynced := c.device(t, "bus-0001"), c.device(t, "bus-0002"), c.device(t, "bus-0003")
		c.send(t, fast, true, run(1, 10, 0, "bus"), time.Now().Add(5*time.Minute))
		c.send(t, fast, true, run(11, 20, 0, "bus"), time.Now().Add(5*time.Minute))
		future := run(1, 3, 100, "bus")
		future[2].Time = time.Now().Add(time.Hour)
		c.send(t, slow, true, future)
		off := run(1, 10, 200, "bus")
		for i := range off {
			off[i].Clock = "unsynced"
		}
		c.send(t, unsynced, true, off, time.Now().Add(-3*time.Hour))
		c.settle(t, 0)
		open := c.open(t)
		var devices []string
		for _, a := range open[store.AlertClockSkew] {
			devices = append(devices, a.Device)
		}
		if strings.Join(devices, ",") != "bus-0002,bus-0001" && strings.Join(devices, ",") != "bus-0001,bus-0002" {
			t.Errorf("skew alerts on %v, want bus-0001 and bus-0002 once each", devices)
		}
		if len(open) != 1 {
			t.Errorf("other alerts: %+v", open)
		}
	})
}

// TestClonedCard: one card on two buses 5 minutes apart, and one at two
// schools 10 minutes apart, raise one alert each, whichever device syncs
// first and however often the card taps again.
func TestClonedCard(t *testing.T) {
	each(t, func(t *testing.T, c *central) {
		ctx := context.Background()
		must(t, c.st.PutDevice(ctx, store.Device{ID: "school-39-t1", Role: "turnstile", School: "school-39"}))
		must(t, c.st.PutDevice(ctx, store.Device{ID: "school-7-t1", Role: "turnstile", School: "school-7"}))
		bus1, bus2, bus3 := c.device(t, "bus-0001"), c.device(t, "bus-0002"), c.device(t, "bus-0003")
		s39, s7 := c.device(t, "school-39-t1"), c.device(t, "school-7-t1")
		now := time.Now()
		c.send(t, bus2, true, []offline.Tap{tap(1, 7, "bus", now.Add(-20*time.Minute))}) // the later device syncs first
		c.send(t, bus1, true, []offline.Tap{tap(1, 7, "bus", now.Add(-25*time.Minute))})
		c.send(t, bus1, true, []offline.Tap{tap(2, 7, "bus", now.Add(-24*time.Minute))}) // again, same pair
		c.send(t, bus3, true, []offline.Tap{tap(1, 7, "bus", now.Add(-5*time.Minute))})  // 15 minutes later: plausible
		c.send(t, s7, true, []offline.Tap{tap(1, 8, "turnstile", now.Add(-15*time.Minute))})
		c.send(t, s39, true, []offline.Tap{tap(1, 8, "turnstile", now.Add(-5*time.Minute))})
		c.settle(t, 0)
		open := c.open(t)
		got := map[string]string{}
		for _, a := range open[store.AlertClonedCard] {
			got[a.Token] = a.Device
			if cardNumber.MatchString(a.Detail) {
				t.Errorf("detail %q", a.Detail)
			}
		}
		want := map[string]string{tap(0, 7, "", now).Token: "bus-0001", tap(0, 8, "", now).Token: "school-39-t1"}
		if len(got) != 2 || got[tap(0, 7, "", now).Token] != want[tap(0, 7, "", now).Token] || got[tap(0, 8, "", now).Token] != want[tap(0, 8, "", now).Token] {
			t.Errorf("clone alerts %v, want %v (%+v)", got, want, open[store.AlertClonedCard])
		}
		if len(open) != 1 {
			t.Errorf("other alerts: %+v", open)
		}
	})
}

// TestJournalFull: a status at 80 % or more raises one alert per device.
func TestJournalFull(t *testing.T) {
	each(t, func(t *testing.T, c *central) {
		for _, st := range []tapsync.Status{
			{Device: "bus-0001", Online: true, Backlog: 85, Capacity: 100},
			{Device: "bus-0001", Online: true, Backlog: 90, Capacity: 100},
			{Device: "bus-0002", Online: true, Backlog: 80_000, Capacity: 100_000},
			{Device: "bus-0003", Online: true, Backlog: 79, Capacity: 100},
			{Device: "bus-0004", Online: true, Backlog: 50},
		} {
			c.check.Status(st, time.Now())
			c.want++
		}
		c.settle(t, 0)
		open := c.open(t)
		var devices []string
		for _, a := range open[store.AlertJournalFull] {
			devices = append(devices, a.Device)
		}
		if len(devices) != 2 || len(open) != 1 {
			t.Errorf("journal alerts on %v, want bus-0001 and bus-0002 (%+v)", devices, open)
		}
	})
}

// cardNumber is what a PAN would look like in text.
var cardNumber = regexp.MustCompile(`\d{13,19}`)

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

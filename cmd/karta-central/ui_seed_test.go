package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"karta/central/store"
	"karta/offline"
	"karta/offline/token"
)

// The browser tests' data, seeded through the real paths: a token key,
// a registry export imported with card numbers, devices added, taps
// stored as ingest stores them, users added.

// The cards of the browser tests: three in the registry, one not.
var uiCards = []struct {
	pan, category string
	registry      string // the rest of its registry row: bus_discount,school,role,grade,meals
}{
	{"2200701234567896", "pensioner", "100,,,,"},
	{"2202209876543215", "schoolchild", "50,school-39,student,3,lunch"},
	{"2200999888777668", "veteran", "100,,,,"},
	{"2200777000111226", "", ""}, // a stranger: not in the registry
}

const (
	pensioner, schoolchild, veteran, stranger = 0, 1, 2, 3
)

// uiDevices are registered with device add: id, role, route, school.
var uiDevices = [][4]string{
	{"bus-0112", "bus", "112", ""},
	{"bus-0007", "bus", "7", ""},
	{"school-39-t1", "turnstile", "", "school-39"},
	{"school-39-c1", "canteen", "", "school-39"},
	{"school-12-t1", "turnstile", "", "school-12"},
}

// uiPattern is one round of taps, repeated over the seeded days; a tap
// with every n > 1 is in every n-th round only, so that the reports' counts
// differ.
var uiPattern = []struct {
	device  string
	card    int
	allowed bool
	reason  string
	product string
	fare    int
	every   int
}{
	{"bus-0112", pensioner, true, "ok", "bus:free", 0, 1},
	{"bus-0112", schoolchild, true, "ok", "bus:discount-50", 2000, 5},
	{"bus-0112", stranger, false, "no_entitlement", "bus:full", 4000, 1},
	{"bus-0112", pensioner, true, "repeat_tap", "bus:repeat", 0, 1},
	{"bus-0007", veteran, true, "ok", "bus:free", 0, 2},
	{"bus-0007", schoolchild, true, "ok", "bus:discount-50", 2000, 4},
	{"bus-0007", veteran, false, "monthly_limit", "bus:full", 4000, 3},
	{"school-39-t1", schoolchild, true, "ok", "entry:in", 0, 1},
	{"school-39-t1", stranger, false, "wrong_school", "", 0, 1},
	{"school-39-c1", schoolchild, true, "ok", "meal:lunch", 0, 2},
	{"school-39-c1", schoolchild, false, "meal_taken", "", 0, 2},
	{"school-12-t1", stranger, false, "no_entitlement", "", 0, 1},
}

// Seeded rounds of the pattern, each over 10 minutes: every 100 minutes
// over the last day, and twice a day on ten days of the month before.
const lastDayRounds, lastMonthDays = 12, 10

var kaliningrad = time.FixedZone("Europe/Kaliningrad", 2*3600)

func (c *uiCentral) makeTokenKey() {
	k, err := token.Generate("k7", rand.Reader)
	if err != nil {
		c.t.Fatal(err)
	}
	c.tokenKey, c.tokenKeyFile = k, filepath.Join(c.dir, "token.key")
	if err := token.SaveKey(c.tokenKeyFile, k); err != nil {
		c.t.Fatal(err)
	}
}

// importRegistry imports the registry export (with card numbers) from a
// directory apart from the database's.
func (c *uiCentral) importRegistry() {
	var csv strings.Builder
	csv.WriteString("pan,category,bus_discount,school,role,grade,meals\n")
	for _, card := range uiCards {
		if card.registry != "" {
			fmt.Fprintf(&csv, "%s,%s,%s\n", card.pan, card.category, card.registry)
		}
	}
	reg := writeFile(c.t, "registry.csv", csv.String())
	out, _ := mustRun(c.t, "import", "--db", c.db, "--token-key", c.tokenKeyFile, reg)
	if !strings.Contains(out, "stored 3 entitlements") {
		c.t.Fatalf("import: %s", out)
	}
}

// token is a seeded card's token.
func (c *uiCentral) token(card int) string { return c.tokenKey.PANToken([]byte(uiCards[card].pan)) }

// seedTaps stores the pattern's rounds as ingest would, through
// store.SaveTaps.
func (c *uiCentral) seedTaps() {
	var at []time.Time
	for r := range lastDayRounds {
		at = append(at, c.now.Add(-time.Duration(r+1)*100*time.Minute))
	}
	y, m, _ := c.now.In(kaliningrad).Date()
	for d := range lastMonthDays {
		for _, h := range []int{8, 13} {
			at = append(at, time.Date(y, m-1, 2+2*d, h, 0, 0, 0, kaliningrad))
		}
	}
	seq := map[string]uint64{}
	batches := map[string]*store.DeviceBatch{}
	for r, start := range at {
		for i, p := range uiPattern {
			if r%p.every != 0 {
				continue
			}
			seq[p.device]++
			tap := offline.Tap{Seq: seq[p.device], Boot: 1, Time: start.Add(time.Duration(i) * 10 * time.Minute / time.Duration(len(uiPattern))),
				Clock: "synced", Reader: readerOf(p.device), Role: roleOf(p.device), Token: c.token(p.card), Scheme: "mir",
				Allowed: p.allowed, Reason: p.reason, Product: p.product, Fare: p.fare, LatencyUS: 900}
			b := batches[p.device]
			if b == nil {
				b = &store.DeviceBatch{Device: p.device, Received: c.now}
				batches[p.device] = b
			}
			b.Taps = append(b.Taps, tap)
			c.taps = append(c.taps, store.StoredTap{Device: p.device, Received: c.now, Tap: tap})
		}
	}
	st := c.openStore(c.t)
	defer st.Close()
	var bs []store.DeviceBatch
	for _, b := range batches {
		bs = append(bs, *b)
	}
	if _, err := st.SaveTaps(context.Background(), bs); err != nil {
		c.t.Fatal(err)
	}
	sortNewestFirst(c.taps)
}

func roleOf(device string) string {
	for _, d := range uiDevices {
		if d[0] == device {
			return d[1]
		}
	}
	panic("no device " + device)
}

// addUser makes a user with karta-central user add and a password file.
func (c *uiCentral) addUser(name, role string) {
	pw := "pw-" + name + "-7c1e"
	mustRun(c.t, "user", "add", "--db", c.db, "--name", name, "--role", role, "--password-file", writeFile(c.t, "pw", pw+"\n"))
	c.passwords[name] = pw
}

// hostileReader is what school-12-t1 names its reader: a formula a
// spreadsheet would run, were the CSV export not to defuse it.
const hostileReader = `=HYPERLINK("http://evil.example/","open")`

func readerOf(device string) string {
	if device == "school-12-t1" {
		return hostileReader
	}
	return "pcsc0"
}

package main

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/internal/browsertest"
	tapsync "karta/sync"
)

// busStatus is what bus-0112's agent reports: a reader with errors, a
// backlog, its lists and version.
func busStatus() tapsync.Status {
	now := time.Now()
	return tapsync.Status{V: tapsync.V, Device: "bus-0112", Online: true, Role: "bus", Boot: 3, Time: now.Add(1500 * time.Millisecond),
		Synced: true, Backlog: 17, Capacity: 100000, NextSeq: 4242, Agent: "karta-agent 1.4.2",
		Lists:   []tapsync.ListStatus{{List: "bus-fleet", Version: 1, Issued: now.Add(-3 * time.Hour), Entries: 3}},
		Readers: []tapsync.Reader{{Name: "pn532-front", OK: true}, {Name: "pcsc-rear", OK: false, Errors: 7}}}
}

// TestUIDevicePage: a device opened from table#devices shows its health;
// a technician sends it a resync, which is stored; a viewer has no form,
// and a direct POST of one is forbidden.
func TestUIDevicePage(t *testing.T) {
	c := startUI(t)
	c.sendStatus(busStatus())
	b := c.browser()
	c.login(b, "technician")
	for sel, want := range map[string]string{"#devices-online": "1", "#devices-offline": fmt.Sprint(len(uiDevices) - 1), "#sync-backlog": "17"} {
		if got := b.Text(sel); !strings.Contains(got, want) {
			t.Errorf("the overview's %s says %q, want %s", sel, got, want)
		}
	}
	b.Click("a#nav-devices")
	if n := b.Count("table#devices tr.device"); n != len(uiDevices) {
		t.Errorf("table#devices has %d tr.device, want %d", n, len(uiDevices))
	}
	b.Screenshot("devices")
	b.Click(`table#devices tr.device a.device-link[href$="/devices/bus-0112"]`)
	if !strings.HasSuffix(b.Location(), "/devices/bus-0112") {
		t.Fatalf("the device link led to %s", b.Location())
	}
	checkDevicePage(t, c, b)
	b.Screenshot("device page")

	b.Fill("form#send-command select[name=kind]", "resync")
	b.Click("button#command-submit")
	if msg := b.Text(".flash"); strings.TrimSpace(msg) == "" {
		t.Error("no .flash after sending a command")
	}
	b.Screenshot("resync sent")
	if rows := b.Rows("table#device-commands tbody tr"); len(rows) != 1 || !strings.Contains(rows[0][0], "пересинхронизация") {
		t.Errorf("table#device-commands after a resync: %q", rows)
	}
	out, _ := mustRun(t, "command", "list", "--db", c.db, "--device", "bus-0112")
	if strings.Count(out, "resync") != 1 || strings.Count(out, "\n") != 2 {
		t.Errorf("command list after one resync:\n%s", out)
	}

	checkListsPage(t, c, b)

	viewer := c.browser()
	c.login(viewer, "viewer")
	viewer.Go("/devices/bus-0112")
	viewer.WaitFor("body")
	if n := viewer.Count("form#send-command"); n != 0 {
		t.Error("a viewer sees form#send-command")
	}
	csrf, _ := viewer.Attr("form#logout input[name=csrf]", "value")
	if r := viewer.PostForm("/devices/bus-0112/command", url.Values{"kind": {"resync"}, "csrf": {csrf}}); r.Status != 403 {
		t.Errorf("a viewer's POST /devices/bus-0112/command: %d %s", r.Status, r.URL)
	}
	viewer.Screenshot("device page for a viewer")
	if out, _ := mustRun(t, "command", "list", "--db", c.db, "--device", "bus-0112"); strings.Count(out, "\n") != 2 {
		t.Errorf("a viewer's POST changed the commands:\n%s", out)
	}
}

// checkDevicePage checks what the page of bus-0112 shows of its status and
// taps.
func checkDevicePage(t *testing.T, c *uiCentral, b *browsertest.Browser) {
	t.Helper()
	if h1, title := b.Text("h1"), browsertest.Eval[string](b, "document.title"); !strings.Contains(h1+title, "bus-0112") {
		t.Errorf("the device page does not name its device: <h1> %q, <title> %q", h1, title)
	}
	health := b.Text("#device-health")
	for _, want := range []string{"в сети", "автобус", "112", "karta-agent 1.4.2", "17"} {
		if !strings.Contains(health, want) {
			t.Errorf("#device-health lacks %q:\n%s", want, health)
		}
	}
	if rows := b.Rows("table#device-lists tbody tr"); len(rows) != 1 || !slices.Contains(rows[0], "bus-fleet") || !slices.Contains(rows[0], "v1") {
		t.Errorf("table#device-lists: %q, want bus-fleet v1", rows)
	}
	readers := b.Rows("table#device-readers tbody tr")
	if len(readers) != 2 || !slices.Equal(readers[1], []string{"pcsc-rear", "неисправен", "7"}) {
		t.Errorf("table#device-readers: %q, want pn532-front and pcsc-rear with 7 errors", readers)
	}
	taps := c.where(func(s store.StoredTap) bool { return s.Device == "bus-0112" })
	rows := tapRows(b, "table#device-taps tbody tr")
	if len(rows) == 0 {
		t.Fatal("table#device-taps is empty")
	}
	for i, r := range rows {
		if miss := tapRowLacks(append(r, "bus-0112"), taps[i]); miss != "" {
			t.Errorf("table#device-taps row %d %q lacks %s of seq %d", i+1, r, miss, taps[i].Seq)
			break
		}
	}
}

// checkListsPage checks table#lists: the versions serve built from the
// registry, their entries, and bus-0112 running bus-fleet v1.
func checkListsPage(t *testing.T, c *uiCentral, b *browsertest.Browser) {
	t.Helper()
	eventually(t, []string{"lists", "show", "--db", c.db}, "bus-fleet", "school-39")
	b.Click("a#nav-lists")
	rows := b.Rows("table#lists tr.list-version")
	want := map[string][]string{"bus-fleet": {"v1", "3", "bus-0112"}, "school-39": {"v1", "1"}}
	for _, r := range rows {
		for _, v := range want[r[0]] {
			if !slices.ContainsFunc(r, func(cell string) bool { return strings.Contains(cell, v) }) {
				t.Errorf("table#lists row %q lacks %q", r, v)
			}
		}
		delete(want, r[0])
	}
	if len(want) != 0 {
		t.Errorf("table#lists %q lacks %v", rows, want)
	}
	b.Screenshot("lists")
}

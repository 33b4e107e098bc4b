package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	"karta/offline/token"
	"karta/sim"
)

// device is a provisioned test device: keys, a config, a list bundle.
type device struct {
	dir, config, inbox, data string
	signing                  *bundle.SigningKey
	token                    *token.Key
}

// provision writes a device directory for role with a sim reader of the
// given cards, and puts the demo list (v1) in its inbox.
func provision(t *testing.T, role string, count int, every string, cards ...string) *device {
	t.Helper()
	d := &device{dir: t.TempDir(), signing: bundletest.Key(t)}
	d.data, d.inbox = filepath.Join(d.dir, "data"), filepath.Join(d.dir, "data", "inbox")
	var err error
	if d.token, err = token.NewKey("k1", []byte("agent-test-token-key-0123456789ab")); err != nil {
		t.Fatal(err)
	}
	must(t, os.MkdirAll(d.inbox, 0o750))
	must(t, token.SaveKey(filepath.Join(d.dir, "token.key"), d.token))
	must(t, bundle.SavePublicKey(filepath.Join(d.dir, "list.pub"), d.signing.Public()))
	d.config = filepath.Join(d.dir, "agent.toml")
	must(t, os.WriteFile(d.config, []byte(configText(role, count, every, cards)), 0o640))
	d.putList(t, 1)
	return d
}

// putList drops version v of the demo list into the inbox.
func (d *device) putList(t *testing.T, v uint64) string {
	t.Helper()
	b := bundletest.Snapshot(t, d.signing, listOf(d), v, sim.Entries(d.token), time.Now().Add(720*time.Hour))
	path := filepath.Join(d.inbox, fmt.Sprintf("list-v%d.bundle", v))
	f, err := os.Create(path)
	must(t, err)
	_, err = b.WriteTo(f)
	must(t, err)
	must(t, f.Close())
	return path
}

func listOf(d *device) string {
	b, _ := os.ReadFile(d.config)
	if strings.Contains(string(b), `role = "bus"`) {
		return "bus-fleet"
	}
	return sim.School
}

func configText(role string, count int, every string, cards []string) string {
	list, rules := sim.School, `[rules.school]
school = "school-39"
meals = [{name = "breakfast", from = "00:00", to = "11:00"}, {name = "lunch", from = "11:00", to = "23:59"}]
`
	if role == "bus" {
		list, rules = "bus-fleet", "[rules.bus]\nfull_fare = 4200\n"
	}
	return fmt.Sprintf(`device_id = "test-%s"
data_dir = "data"
token_key = "token.key"
list_keys = ["list.pub"]
clock = "trusted"
hardware = {driver = "console"}

[[readers]]
name = "front"
driver = "sim"
direction = "in"
cards = [%s]
count = %d
every = "%s"

[rules]
role = "%s"
lists = ["%s"]
%s`, role, quoteAll(cards), count, every, role, list, rules)
}

func quoteAll(ss []string) string {
	q := make([]string, len(ss))
	for i, s := range ss {
		q[i] = `"` + s + `"`
	}
	return strings.Join(q, ", ")
}

func (d *device) journal(t *testing.T) []offline.Tap {
	t.Helper()
	j, err := offline.OpenJournal(filepath.Join(d.data, "journal.db"), offline.JournalOptions{})
	must(t, err)
	defer j.Close()
	must(t, j.Check())
	taps, err := j.Range(0, 1<<30)
	must(t, err)
	return taps
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// useReader replaces the device's [[readers]] section with reader (TOML).
func (d *device) useReader(t *testing.T, reader string) {
	t.Helper()
	b, err := os.ReadFile(d.config)
	must(t, err)
	text := string(b)
	text = text[:strings.Index(text, "[[readers]]")] + reader + "\n\n[rules]" + text[strings.Index(text, "[rules]")+len("[rules]"):]
	must(t, os.WriteFile(d.config, []byte(text), 0o640))
}

// checkReasons checks the journal holds one tap per wanted reason, in
// order, each from the reader named front.
func (d *device) checkReasons(t *testing.T, want []string, out fmt.Stringer) {
	t.Helper()
	taps := d.journal(t)
	if len(taps) != len(want) {
		t.Fatalf("%d taps journaled, want %d:\n%s", len(taps), len(want), out)
	}
	for i, tap := range taps {
		if tap.Reason != want[i] || tap.Reader != "front" {
			t.Errorf("tap %d: %+v, want %s from front", i+1, tap, want[i])
		}
	}
}

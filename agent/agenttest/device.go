package agenttest

import (
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"karta/agent"
	"karta/hardware/hardwaretest"
	"karta/offline"
	"karta/offline/token"
	"karta/readers/emv"
	"karta/sim"
)

// BusDevice is a bus validator for benchmarks and driver tests: the demo
// list of the virtual cards installed in a lists.db, a journal on disk,
// fake hardware, tokens made with key. Its stores close at cleanup.
func BusDevice(tb testing.TB, key *token.Key) *agent.Device {
	tb.Helper()
	dir := tb.TempDir()
	lists, err := offline.OpenLists(filepath.Join(dir, "lists.db"), offline.ListsOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { lists.Close() })
	installDemo(tb, lists, key)
	j, err := offline.OpenJournal(filepath.Join(dir, "journal.db"), offline.JournalOptions{MaxTaps: 1 << 30})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { j.Close() })
	engine, err := agent.Rules{Role: agent.RoleBus, Lists: []string{"bus-fleet"}, Bus: agent.BusRules{FullFare: 4200}}.Compile()
	if err != nil {
		tb.Fatal(err)
	}
	b := &hardwaretest.Board{}
	return &agent.Device{Engine: engine, Identify: emv.NewReader(key, emv.Options{}), Lists: lists, Journal: j,
		Out:   agent.Output{Indicator: &b.Indicator, Buzzer: &b.Buzzer, Display: &b.Display},
		Clock: NewClock(time.Now()), Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

// demoOps yields the demo registry as snapshot puts.
type demoOps struct{ entries []*offline.Entry }

func (d *demoOps) Next() (offline.Op, error) {
	if len(d.entries) == 0 {
		return offline.Op{}, io.EOF
	}
	e := d.entries[0]
	d.entries = d.entries[1:]
	return offline.Op{Token: e.Token, Entry: e}, nil
}

func installDemo(tb testing.TB, lists *offline.Lists, key *token.Key) {
	entries := sim.Entries(key)
	sortByToken(entries)
	v := offline.ListVersion{List: "bus-fleet", Version: 1, Issued: time.Now(), Expires: time.Now().Add(time.Hour), Ops: len(entries)}
	if err := lists.Install(v, &demoOps{entries: entries}, nil); err != nil {
		tb.Fatal(err)
	}
}

func sortByToken(es []*offline.Entry) {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Token < es[j-1].Token; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
}

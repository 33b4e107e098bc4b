package agent_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"karta/agent"
	"karta/agent/agenttest"
	"karta/hardware"
	"karta/hardware/hardwaretest"
	"karta/offline"
	"karta/offline/offlinetest"
	"karta/offline/token"
	"karta/readers/emv"
	"karta/readers/readertest"
	"karta/sim"
)

// rig is a device with real stores, virtual cards, fake hardware and a fake
// clock.
type rig struct {
	dev     *agent.Device
	board   *hardwaretest.Board
	journal *offline.Journal
	clock   *agenttest.Clock
	logs    *bytes.Buffer
	key     *token.Key
}

func newRig(t *testing.T, rules agent.Rules, opts offline.JournalOptions) *rig {
	t.Helper()
	key, err := token.NewKey("k1", []byte("device-test-token-key-0123456789"))
	if err != nil {
		t.Fatal(err)
	}
	clock := agenttest.NewClock(at(20, "08:15"))
	lists := offlinetest.Lists(t, clock.Now)
	src := offlinetest.Puts(sim.Entries(key)...)
	v := offline.ListVersion{List: rules.Lists[0], Version: 1, Issued: clock.Now().Add(-time.Hour), Expires: clock.Now().Add(720 * time.Hour), Ops: src.Len()}
	if err := lists.Install(v, src, nil); err != nil {
		t.Fatal(err)
	}
	opts.Now = clock.Now
	r := &rig{board: &hardwaretest.Board{}, journal: offlinetest.Journal(t, opts), clock: clock, logs: &bytes.Buffer{}, key: key}
	r.dev = &agent.Device{Engine: engine(t, rules), Identify: emv.NewReader(key, emv.Options{}), Lists: lists, Journal: r.journal,
		Out:   agent.Output{Indicator: &r.board.Indicator, Buzzer: &r.board.Buzzer, Display: &r.board.Display},
		Clock: clock, Log: slog.New(slog.NewTextHandler(r.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics: agent.NewMetrics(r.journal.Stats, lists.States, clock.Now)}
	if rules.Role == agent.RoleTurnstile {
		r.dev.Out.Relay = &r.board.Relay // only turnstiles have a gate
	}
	return r
}

func (r *rig) tap(t *testing.T, card string, direction string) agent.Result {
	t.Helper()
	c, ok := sim.Lookup(card)
	if !ok {
		t.Fatalf("no sim card %s", card)
	}
	return r.dev.Tap(context.Background(), c.Insert(), "front", direction)
}

func TestDeviceBus(t *testing.T) {
	r := newRig(t, busRules(), offline.JournalOptions{})
	steps := []struct {
		card    string
		advance time.Duration
		reason  agent.Reason
		color   hardware.Color
	}{
		{"mir-debit", 0, agent.ReasonOK, hardware.Green},                      // pensioner rides free
		{"mir-debit", 2 * time.Minute, agent.ReasonRepeatTap, hardware.Green}, // same bus, counts once
		{"mir-credit", 0, agent.ReasonOK, hardware.Green},                     // schoolchild, half fare
		{"visa-gpo-track2", 0, agent.ReasonNotMir, hardware.Amber},            // pays the full fare
		{"mir-maestro", 0, agent.ReasonStoplisted, hardware.Red},              // reported lost
		{"mir-expired", 0, agent.ReasonCardExpired, hardware.Red},
		{"mir-vanishing", 0, agent.ReasonUnreadable, hardware.Red}, // pulled away mid-read
		{"mir-par", 0, agent.ReasonNoEntitlement, hardware.Amber},  // a teacher: no bus right
	}
	for i, s := range steps {
		r.clock.Advance(s.advance)
		res := r.tap(t, s.card, "")
		if res.Decision.Reason != s.reason || res.Seq != uint64(i+1) || r.board.Indicator.Last() != s.color {
			t.Errorf("%s: %s seq %d light %v; want %s seq %d light %v", s.card, res.Decision.Reason, res.Seq, r.board.Indicator.Last(), s.reason, i+1, s.color)
		}
	}
	taps, _ := r.journal.Range(0, 100)
	if len(taps) != len(steps) || taps[6].Token != "" || taps[6].Reason != "unreadable" || taps[2].Fare != 2100 {
		t.Errorf("journal: %d taps; unreadable %+v; half fare %+v", len(taps), taps[6], taps[2])
	}
	if len(r.board.Relay.Pulses) != 0 {
		t.Error("a bus validator has no gate to open")
	}
	checkNoPAN(t, r.logs.Bytes())
}

func TestDeviceTurnstileOpensGate(t *testing.T) {
	r := newRig(t, schoolRules(agent.RoleTurnstile), offline.JournalOptions{})
	if res := r.tap(t, "mir-credit", "in"); !res.Decision.Allowed || len(r.board.Relay.Pulses) != 1 {
		t.Fatalf("student in: %+v, %d pulses", res.Decision, len(r.board.Relay.Pulses))
	}
	if res := r.tap(t, "mir-credit", "in"); res.Decision.Reason != agent.ReasonAntiPassback || len(r.board.Relay.Pulses) != 1 {
		t.Errorf("second entry: %s, %d pulses; want anti-passback and a closed gate", res.Decision.Reason, len(r.board.Relay.Pulses))
	}
	// The teacher's Mir Pay phone is on the list through its PAR.
	if res := r.tap(t, "mir-pay", "in"); !res.Decision.Allowed {
		t.Errorf("Mir Pay of a listed teacher: %s", res.Decision.Reason)
	}
}

// TestDeviceJournalFull: a tap that cannot be journaled is not granted.
func TestDeviceJournalFull(t *testing.T) {
	r := newRig(t, busRules(), offline.JournalOptions{MaxTaps: 1})
	r.tap(t, "mir-debit", "")
	res := r.tap(t, "mir-credit", "")
	if res.Decision.Allowed || res.Decision.Reason != agent.ReasonJournalFull || res.Seq != 0 || r.board.Indicator.Last() != hardware.Red {
		t.Errorf("full journal: %+v, light %v", res, r.board.Indicator.Last())
	}
	if tone, _ := r.board.Buzzer.Last(); tone != hardware.ToneAlarm {
		t.Errorf("tone %v, want the alarm", tone)
	}
}

// TestDeviceSignalFailure: a broken LED does not stop the fare: the tap is
// journaled and decided as usual.
func TestDeviceSignalFailure(t *testing.T) {
	r := newRig(t, busRules(), offline.JournalOptions{})
	r.board.Fail(errors.New("gpio: write failed"))
	res := r.tap(t, "mir-debit", "")
	if !res.Decision.Allowed || res.Seq != 1 || !bytes.Contains(r.logs.Bytes(), []byte("signal failed")) {
		t.Errorf("with failing hardware: %+v; logs:\n%s", res, r.logs)
	}
}

func TestServeUntilReaderGone(t *testing.T) {
	r := newRig(t, busRules(), offline.JournalOptions{})
	reader := &sim.Reader{ReaderName: "front", Cards: []*sim.Card{mustCard(t, "mir-debit"), mustCard(t, "mir-credit")}, Count: 5}
	err := r.dev.Serve(context.Background(), reader, "")
	if st := r.journal.Stats(); st.NextSeq != 6 || err == nil {
		t.Errorf("after 5 presentations: next seq %d, err %v", st.NextSeq, err)
	}
}

func mustCard(t *testing.T, name string) *sim.Card {
	c, ok := sim.Lookup(name)
	if !ok {
		t.Fatal(name)
	}
	return c
}

func checkNoPAN(t *testing.T, out []byte) {
	t.Helper()
	var pans []string
	for _, c := range sim.Cards() {
		pans = append(pans, c.Want.PAN)
	}
	if leaked := readertest.PANLeaks(out, pans); len(leaked) > 0 {
		t.Errorf("card numbers in the logs: %v", leaked)
	}
}

// TestMetrics: taps show up in the device's Prometheus registry, with the
// journal backlog and the list version read at scrape time.
func TestMetrics(t *testing.T) {
	r := newRig(t, busRules(), offline.JournalOptions{})
	r.tap(t, "mir-debit", "")
	r.tap(t, "visa-gpo-track2", "")
	r.tap(t, "mir-vanishing", "")
	families, err := r.dev.Metrics.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName()
			for _, l := range m.GetLabel() {
				key += "," + l.GetName() + "=" + l.GetValue()
			}
			switch {
			case m.GetCounter() != nil:
				got[key] = m.GetCounter().GetValue()
			case m.GetGauge() != nil:
				got[key] = m.GetGauge().GetValue()
			case m.GetHistogram() != nil:
				got[key] = float64(m.GetHistogram().GetSampleCount())
			}
		}
	}
	for key, want := range map[string]float64{
		"karta_decisions_total,allowed=true,reason=ok,role=bus":          1,
		"karta_decisions_total,allowed=false,reason=not_mir,role=bus":    1,
		"karta_decisions_total,allowed=false,reason=unreadable,role=bus": 1,
		"karta_reader_errors_total,kind=removed,reader=front":            1,
		"karta_tap_seconds,role=bus":                                     3,
		"karta_journal_backlog":                                          3,
		"karta_list_version,list=bus-fleet":                              1,
		"karta_list_entries,list=bus-fleet":                              8,
	} {
		if got[key] != want {
			t.Errorf("%s = %v, want %v", key, got[key], want)
		}
	}
}

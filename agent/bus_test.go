package agent_test

import (
	"testing"
	"time"

	"karta/agent"
	"karta/offline"
)

func busRules() agent.Rules {
	return agent.Rules{Role: agent.RoleBus, Lists: []string{"bus-fleet"},
		Bus: agent.BusRules{FullFare: 4200, RepeatWindow: agent.Duration{Duration: 20 * time.Minute}}}
}

func TestBus(t *testing.T) {
	now := at(21, "08:15")
	fresh := list(now.Add(-time.Hour))
	free := &offline.Entry{Token: "k1.mir", Bus: &offline.BusRight{Discount: 100, MonthlyLimit: 60}}
	half := &offline.Entry{Token: "k1.mir", Bus: &offline.BusRight{Discount: 50}}
	lapsed := &offline.Entry{Token: "k1.mir", To: 20261031, Bus: &offline.BusRight{Discount: 100}}
	stopped := &offline.Entry{Token: "k1.mir", Bus: &offline.BusRight{Discount: 100}, Stop: &offline.Stop{Reason: "lost"}}
	rodeAt := func(t time.Time, rides int) offline.Counters {
		return offline.Counters{LastTap: t, RideMonth: offline.MonthOf(now), Rides: rides}
	}
	tests := []struct {
		name string
		in   agent.Input
		want want
	}{
		{"free ride", agent.Input{Identity: mir, List: fresh, Entry: free}, want{true, agent.ReasonOK, "bus:free", 0, nil, true}},
		{"half fare", agent.Input{Identity: mir, List: fresh, Entry: half}, want{true, agent.ReasonOK, "bus:discount-50", 2100, nil, true}},
		{"not on the list", agent.Input{Identity: mir, List: fresh}, want{false, agent.ReasonNoEntitlement, agent.ProductBusFull, 4200, nil, false}},
		{"right lapsed", agent.Input{Identity: mir, List: fresh, Entry: lapsed}, want{false, agent.ReasonEntitlementInvalid, agent.ProductBusFull, 4200, nil, false}},
		{"stoplist first", agent.Input{Identity: mir, List: fresh, Entry: stopped}, want{false, agent.ReasonStoplisted, "", 0, nil, false}},
		{"repeat within the window", agent.Input{Identity: mir, List: fresh, Entry: free, Counters: rodeAt(now.Add(-5*time.Minute), 1)}, want{true, agent.ReasonRepeatTap, "bus:repeat", 0, nil, false}},
		{"after the window counts again", agent.Input{Identity: mir, List: fresh, Entry: free, Counters: rodeAt(now.Add(-25*time.Minute), 1)}, want{true, agent.ReasonOK, "bus:free", 0, nil, true}},
		{"monthly limit reached", agent.Input{Identity: mir, List: fresh, Entry: free, Counters: rodeAt(now.Add(-time.Hour), 60)}, want{false, agent.ReasonMonthlyLimit, agent.ProductBusFull, 4200, nil, false}},
		{"last month's rides do not count", agent.Input{Identity: mir, List: fresh, Entry: free, Counters: offline.Counters{RideMonth: 202610, Rides: 60}}, want{true, agent.ReasonOK, "bus:free", 0, nil, true}},
		{"not Mir: full fare", agent.Input{Identity: visa, List: fresh}, want{false, agent.ReasonNotMir, agent.ProductBusFull, 4200, nil, false}},
		{"card expired", agent.Input{Identity: expired, List: fresh, Entry: free}, want{false, agent.ReasonCardExpired, "", 0, nil, false}},
		{"unreadable", agent.Input{List: fresh}, want{false, agent.ReasonUnreadable, "", 0, nil, false}},
		{"no list: full fare", agent.Input{Identity: mir, Entry: free}, want{false, agent.ReasonListMissing, agent.ProductBusFull, 4200, nil, false}},
		{"stale list: decided and flagged", agent.Input{Identity: mir, List: list(now.Add(-72 * time.Hour)), Entry: free}, want{true, agent.ReasonOK, "bus:free", 0, []string{agent.FlagStaleList}, true}},
		{"clock unsynced: flagged", agent.Input{Identity: mir, List: fresh, Entry: free, ClockSynced: false}, want{true, agent.ReasonOK, "bus:free", 0, []string{agent.FlagClockUnsynced}, true}},
	}
	e := engine(t, busRules())
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.Now = now
			if tt.name != "clock unsynced: flagged" {
				tt.in.ClockSynced = true
			}
			ctr := check(t, e, tt.in, tt.want)
			if ctr != nil && (ctr.RidesIn(offline.MonthOf(now)) != tt.in.Counters.RidesIn(offline.MonthOf(now))+1 || !ctr.LastTap.Equal(now)) {
				t.Errorf("counters after a privileged ride: %+v", ctr)
			}
		})
	}
}

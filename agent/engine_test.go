package agent_test

import (
	"slices"
	"testing"
	"time"

	"karta/agent"
	"karta/offline"
	"karta/readers/emv"
)

var msk = time.FixedZone("Kaliningrad", 2*3600)

// Saturday 21 Nov 2026 and the days around it, in Kaliningrad time.
func at(day int, hhmm string) time.Time {
	t, _ := time.ParseInLocation("2006-01-02 15:04", "2026-11-"+twoDigits(day)+" "+hhmm, msk)
	return t
}

func twoDigits(d int) string { return string(rune('0'+d/10)) + string(rune('0'+d%10)) }

var (
	mir     = &emv.Identity{Scheme: emv.SchemeMir, Token: "k1.mir", Expiry: "2912"}
	visa    = &emv.Identity{Scheme: emv.SchemeVisa, Token: "k1.visa", Expiry: "2912"}
	expired = &emv.Identity{Scheme: emv.SchemeMir, Token: "k1.old", Expiry: "2410"}
	staff   = &emv.Identity{Scheme: emv.SchemeMir, Token: "k1.staff", Expiry: "2912"}
)

func list(issued time.Time) *offline.ListState {
	return &offline.ListState{ListVersion: offline.ListVersion{List: "l", Version: 3, Issued: issued, Expires: issued.Add(30 * 24 * time.Hour)}}
}

func engine(t *testing.T, r agent.Rules) *agent.Engine {
	t.Helper()
	e, err := r.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

type want struct {
	allowed bool
	reason  agent.Reason
	product string
	fare    int
	flags   []string
	counted bool // the decision returns new counters
}

func check(t *testing.T, e *agent.Engine, in agent.Input, w want) *offline.Counters {
	t.Helper()
	d, ctr := e.Decide(in)
	if d.Allowed != w.allowed || d.Reason != w.reason || d.Product != w.product || d.Fare != w.fare ||
		!slices.Equal(d.Flags, w.flags) || (ctr != nil) != w.counted {
		t.Errorf("got allowed=%v reason=%s product=%q fare=%d flags=%v counters=%v\nwant %+v",
			d.Allowed, d.Reason, d.Product, d.Fare, d.Flags, ctr != nil, w)
	}
	if len(d.Lines) != 2 || d.Lines[0] == "" {
		t.Errorf("display lines %q: want two, in Russian", d.Lines)
	}
	return ctr
}

func TestRulesRejected(t *testing.T) {
	for name, r := range map[string]agent.Rules{
		"no role":          {Lists: []string{"l"}},
		"no lists":         {Role: agent.RoleBus, Bus: agent.BusRules{FullFare: 1}},
		"bus without fare": {Role: agent.RoleBus, Lists: []string{"l"}},
		"bad on_stale":     {Role: agent.RoleBus, Lists: []string{"l"}, Bus: agent.BusRules{FullFare: 1}, Policy: agent.Policy{OnStale: "maybe"}},
		"school unnamed":   {Role: agent.RoleTurnstile, Lists: []string{"l"}},
		"canteen no meals": {Role: agent.RoleCanteen, Lists: []string{"l"}, School: agent.SchoolRules{School: "s"}},
		"bad window":       {Role: agent.RoleTurnstile, Lists: []string{"l"}, School: agent.SchoolRules{School: "s", Schedules: map[string]agent.Schedule{"student": {"mon": {"15:00-07:00"}}}}},
		"bad weekday":      {Role: agent.RoleTurnstile, Lists: []string{"l"}, School: agent.SchoolRules{School: "s", Schedules: map[string]agent.Schedule{"student": {"monday": {"07:00-15:00"}}}}},
		"bad holiday":      {Role: agent.RoleTurnstile, Lists: []string{"l"}, School: agent.SchoolRules{School: "s", Holidays: []string{"31.12.2026"}}},
	} {
		if _, err := r.Compile(); err == nil {
			t.Errorf("%s: compiled", name)
		}
	}
}

package agent_test

import (
	"testing"
	"time"

	"karta/agent"
	"karta/offline"
)

func schoolRules(role string) agent.Rules {
	return agent.Rules{Role: role, Lists: []string{"school-39"},
		Policy: agent.Policy{Pinned: []string{"k1.staff"}},
		School: agent.SchoolRules{
			School:       "school-39",
			Holidays:     []string{"2026-11-04"},
			AntiPassback: true,
			Schedules: map[string]agent.Schedule{
				"student":    {"mon": {"07:30-15:00"}, "tue": {"07:30-15:00"}, "wed": {"07:30-15:00"}, "thu": {"07:30-15:00"}, "fri": {"07:30-14:00"}},
				"staff":      {"mon": {"07:00-19:00"}, "fri": {"07:00-19:00"}, "sat": {"09:00-13:00"}},
				"after-care": {"fri": {"07:30-18:00"}},
			},
			Meals: []agent.MealWindow{{Name: "breakfast", From: "08:00", To: "09:30"}, {Name: "lunch", From: "11:30", To: "14:00"}},
		}}
}

var (
	student  = &offline.Entry{Token: "k1.mir", School: &offline.SchoolPass{School: "school-39", Role: "student", Grade: 3}}
	teacher  = &offline.Entry{Token: "k1.staff", School: &offline.SchoolPass{School: "school-39", Role: "staff"}}
	evening  = &offline.Entry{Token: "k1.mir", School: &offline.SchoolPass{School: "school-39", Role: "student", Schedule: "after-care"}}
	stranger = &offline.Entry{Token: "k1.mir", School: &offline.SchoolPass{School: "school-12", Role: "student"}}
)

func TestTurnstile(t *testing.T) {
	fri8, fri1630 := at(20, "08:00"), at(20, "16:30")
	fresh := list(fri8.Add(-time.Hour))
	cameIn := offline.Counters{Direction: "in", DirAt: at(20, "07:45")}
	leftYesterday := offline.Counters{Direction: "in", DirAt: at(19, "07:45")}
	tests := []struct {
		name string
		in   agent.Input
		want want
	}{
		{"student in the morning", agent.Input{Now: fri8, Identity: mir, List: fresh, Entry: student, Direction: "in"}, want{true, agent.ReasonOK, "entry:in", 0, nil, true}},
		{"student leaves", agent.Input{Now: fri1630, Identity: mir, List: fresh, Entry: student, Direction: "out", Counters: cameIn}, want{true, agent.ReasonOK, "entry:out", 0, nil, true}},
		{"student after hours", agent.Input{Now: fri1630, Identity: mir, List: fresh, Entry: student, Direction: "in"}, want{false, agent.ReasonOutsideHours, "", 0, nil, false}},
		{"after-care schedule", agent.Input{Now: fri1630, Identity: mir, List: fresh, Entry: evening, Direction: "in"}, want{true, agent.ReasonOK, "entry:in", 0, nil, true}},
		{"Saturday: staff only", agent.Input{Now: at(21, "10:00"), Identity: staff, List: fresh, Entry: teacher, Direction: "in"}, want{true, agent.ReasonOK, "entry:in", 0, nil, true}},
		{"Saturday student", agent.Input{Now: at(21, "10:00"), Identity: mir, List: fresh, Entry: student, Direction: "in"}, want{false, agent.ReasonOutsideHours, "", 0, nil, false}},
		{"holiday", agent.Input{Now: at(4, "08:00"), Identity: mir, List: list(at(4, "07:00")), Entry: student, Direction: "in"}, want{false, agent.ReasonHoliday, "", 0, nil, false}},
		{"another school", agent.Input{Now: fri8, Identity: mir, List: fresh, Entry: stranger, Direction: "in"}, want{false, agent.ReasonWrongSchool, "", 0, nil, false}},
		{"not on the list", agent.Input{Now: fri8, Identity: mir, List: fresh, Direction: "in"}, want{false, agent.ReasonNoEntitlement, "", 0, nil, false}},
		{"anti-passback", agent.Input{Now: fri8, Identity: mir, List: fresh, Entry: student, Direction: "in", Counters: cameIn}, want{false, agent.ReasonAntiPassback, "", 0, nil, false}},
		{"yesterday's entry does not block", agent.Input{Now: fri8, Identity: mir, List: fresh, Entry: student, Direction: "in", Counters: leftYesterday}, want{true, agent.ReasonOK, "entry:in", 0, nil, true}},
		{"stale list fails closed", agent.Input{Now: fri8, Identity: mir, List: list(fri8.Add(-72 * time.Hour)), Entry: student, Direction: "in"}, want{false, agent.ReasonListStale, "", 0, nil, false}},
		{"stale list: pinned staff pass", agent.Input{Now: fri8, Identity: staff, List: list(fri8.Add(-72 * time.Hour)), Entry: teacher, Direction: "in"}, want{true, agent.ReasonOK, "entry:in", 0, []string{agent.FlagPinned}, false}},
		{"no list: pinned staff pass", agent.Input{Now: fri8, Identity: staff, Direction: "in"}, want{true, agent.ReasonOK, "entry:in", 0, []string{agent.FlagPinned}, false}},
		{"no list: students refused", agent.Input{Now: fri8, Identity: mir, Direction: "in"}, want{false, agent.ReasonListMissing, "", 0, nil, false}},
		{"not Mir", agent.Input{Now: fri8, Identity: visa, List: fresh, Direction: "in"}, want{false, agent.ReasonNotMir, "", 0, nil, false}},
	}
	e := engine(t, schoolRules(agent.RoleTurnstile))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.ClockSynced = true
			if ctr := check(t, e, tt.in, tt.want); ctr != nil && ctr.Direction != tt.in.Direction {
				t.Errorf("direction recorded %q", ctr.Direction)
			}
		})
	}
}

func TestTurnstileClockUnsynced(t *testing.T) {
	in := agent.Input{Now: at(20, "23:00"), Identity: mir, List: list(at(20, "22:00")), Entry: student, Direction: "in"}
	skip := engine(t, schoolRules(agent.RoleTurnstile))
	check(t, skip, in, want{true, agent.ReasonOK, "entry:in", 0, []string{agent.FlagClockUnsynced, agent.FlagWindowSkipped}, true})
	r := schoolRules(agent.RoleTurnstile)
	r.Policy.OnClockUnsynced = "closed"
	check(t, engine(t, r), in, want{false, agent.ReasonOutsideHours, "", 0, []string{agent.FlagClockUnsynced}, false})
}

func TestCanteen(t *testing.T) {
	breakfast, lunch, afternoon := at(20, "08:10"), at(20, "12:00"), at(20, "16:00")
	fresh := list(at(20, "07:00"))
	both := &offline.Entry{Token: "k1.mir", Meals: &offline.MealRight{School: "school-39", Meals: []string{"breakfast", "lunch"}}}
	lunchOnly := &offline.Entry{Token: "k1.mir", Meals: &offline.MealRight{School: "school-39", Meals: []string{"lunch"}}}
	elsewhere := &offline.Entry{Token: "k1.mir", Meals: &offline.MealRight{School: "school-12", Meals: []string{"lunch"}}}
	hadLunch := offline.Counters{MealDay: 20261120, Meals: []string{"lunch"}}
	hadLunchYesterday := offline.Counters{MealDay: 20261119, Meals: []string{"lunch"}}
	tests := []struct {
		name string
		in   agent.Input
		want want
	}{
		{"breakfast", agent.Input{Now: breakfast, Identity: mir, List: fresh, Entry: both}, want{true, agent.ReasonOK, "meal:breakfast", 0, nil, true}},
		{"lunch", agent.Input{Now: lunch, Identity: mir, List: fresh, Entry: both}, want{true, agent.ReasonOK, "meal:lunch", 0, nil, true}},
		{"lunch twice", agent.Input{Now: lunch, Identity: mir, List: fresh, Entry: both, Counters: hadLunch}, want{false, agent.ReasonMealTaken, "", 0, nil, false}},
		{"yesterday's lunch does not count", agent.Input{Now: lunch, Identity: mir, List: fresh, Entry: both, Counters: hadLunchYesterday}, want{true, agent.ReasonOK, "meal:lunch", 0, nil, true}},
		{"breakfast without the right", agent.Input{Now: breakfast, Identity: mir, List: fresh, Entry: lunchOnly}, want{false, agent.ReasonNoMeal, "", 0, nil, false}},
		{"between meals", agent.Input{Now: afternoon, Identity: mir, List: fresh, Entry: both}, want{false, agent.ReasonOutsideMealWindow, "", 0, nil, false}},
		{"another school's student", agent.Input{Now: lunch, Identity: mir, List: fresh, Entry: elsewhere}, want{false, agent.ReasonWrongSchool, "", 0, nil, false}},
		{"not on the list", agent.Input{Now: lunch, Identity: mir, List: fresh}, want{false, agent.ReasonNoMeal, "", 0, nil, false}},
		{"stale list: allowed and flagged", agent.Input{Now: lunch, Identity: mir, List: list(lunch.Add(-96 * time.Hour)), Entry: both}, want{true, agent.ReasonOK, "meal:lunch", 0, []string{agent.FlagStaleList}, true}},
		{"holiday", agent.Input{Now: at(4, "12:00"), Identity: mir, List: list(at(4, "07:00")), Entry: both}, want{false, agent.ReasonHoliday, "", 0, nil, false}},
	}
	e := engine(t, schoolRules(agent.RoleCanteen))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.in.ClockSynced = true
			if ctr := check(t, e, tt.in, tt.want); ctr != nil && !ctr.HadMeal(offline.DayOf(tt.in.Now), tt.want.product[5:]) {
				t.Errorf("meal not counted: %+v", ctr)
			}
		})
	}
}

// TestCanteenClockUnsynced: with no trusted time, the first meal the
// student is entitled to and has not had is served, flagged.
func TestCanteenClockUnsynced(t *testing.T) {
	both := &offline.Entry{Token: "k1.mir", Meals: &offline.MealRight{School: "school-39", Meals: []string{"breakfast", "lunch"}}}
	e := engine(t, schoolRules(agent.RoleCanteen))
	in := agent.Input{Now: at(20, "16:00"), Identity: mir, List: list(at(20, "07:00")), Entry: both,
		Counters: offline.Counters{MealDay: 20261120, Meals: []string{"breakfast"}}}
	check(t, e, in, want{true, agent.ReasonOK, "meal:lunch", 0, []string{agent.FlagClockUnsynced, agent.FlagWindowSkipped}, true})
	in.Counters.Meals = []string{"breakfast", "lunch"}
	check(t, e, in, want{false, agent.ReasonMealTaken, "", 0, []string{agent.FlagClockUnsynced, agent.FlagWindowSkipped}, false})
}

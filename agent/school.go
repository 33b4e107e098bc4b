package agent

import (
	"karta/offline"
)

// turnstile decides a passage: out is always let through for a pass of
// this school; in needs a valid pass, a school day, an open window of the
// pass's schedule, and (with anti-passback) no entry since the last exit.
func (t *tapCtx) turnstile() (Decision, *offline.Counters) {
	if r, ok := t.schoolPass(); !ok {
		return refuse(r), nil
	}
	if t.in.Direction == "out" {
		return t.passed("out")
	}
	if r, ok := t.entryAllowed(); !ok {
		return refuse(r), nil
	}
	return t.passed("in")
}

func (t *tapCtx) schoolPass() (Reason, bool) {
	e := t.in.Entry
	switch {
	case e == nil || e.School == nil:
		return ReasonNoEntitlement, false
	case e.School.School != t.c.School.School:
		return ReasonWrongSchool, false
	case !e.ValidOn(t.day):
		return ReasonEntitlementInvalid, false
	}
	return "", true
}

func (t *tapCtx) entryAllowed() (Reason, bool) {
	pass := t.in.Entry.School
	staff := pass.Role == "staff"
	if t.c.holidays[t.day] && !staff {
		return ReasonHoliday, false
	}
	if apply, refused := t.windowsApply(); refused {
		return ReasonOutsideHours, false
	} else if apply && !t.inSchedule(pass) {
		return ReasonOutsideHours, false
	}
	ctr := t.in.Counters
	if t.c.School.AntiPassback && ctr.Direction == "in" && offline.DayOf(ctr.DirAt) == t.day {
		return ReasonAntiPassback, false
	}
	return "", true
}

// inSchedule: the pass's own schedule, else its role's; no schedule at all
// means always open.
func (t *tapCtx) inSchedule(pass *offline.SchoolPass) bool {
	w, ok := t.c.schedules[pass.Schedule]
	if !ok {
		w, ok = t.c.schedules[pass.Role]
	}
	return !ok || w.open(t.in.Now)
}

func (t *tapCtx) passed(dir string) (Decision, *offline.Counters) {
	ctr := t.counters()
	ctr.Direction, ctr.DirAt, ctr.LastTap = dir, t.in.Now, t.in.Now
	return t.pass(dir), &ctr
}

func (t *tapCtx) pass(dir string) Decision {
	if dir == "out" {
		return Decision{Allowed: true, Reason: ReasonOK, Product: "entry:out", Lines: []string{"Выход", "До свидания!"}}
	}
	return Decision{Allowed: true, Reason: ReasonOK, Product: "entry:in", Lines: []string{"Проход разрешён", "Добро пожаловать!"}}
}

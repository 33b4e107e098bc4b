package agent

import (
	"slices"
	"time"

	"karta/offline"
	"karta/readers/emv"
)

// Engine decides taps by compiled rules. It is a pure function of its
// Input: no clock, no disk, no network; safe for concurrent use.
type Engine struct{ c *compiled }

// Role is the device role the rules are for.
func (e *Engine) Role() string { return e.c.Role }

// Lists are the list names the rules consult, in order.
func (e *Engine) Lists() []string { return slices.Clone(e.c.Lists) }

// Input is everything a decision depends on.
type Input struct {
	Now         time.Time
	ClockSynced bool
	Identity    *emv.Identity      // nil: the card could not be read
	List        *offline.ListState // the list consulted; nil: none installed
	Entry       *offline.Entry     // the card's entry; nil: not on the list
	Counters    offline.Counters   // the card's counters on this device
	Direction   string             // turnstile reader: "in" or "out"
}

// Decide returns the decision and the card's counters after it (nil when
// the tap changes none).
func (e *Engine) Decide(in Input) (Decision, *offline.Counters) {
	t := &tapCtx{c: e.c, in: in, day: offline.DayOf(in.Now)}
	if d, done := t.common(); done {
		return t.finish(d), nil
	}
	var d Decision
	var ctr *offline.Counters
	switch e.c.Role {
	case RoleBus:
		d, ctr = t.bus()
	case RoleTurnstile:
		d, ctr = t.turnstile()
	default:
		d, ctr = t.canteen()
	}
	return t.finish(d), ctr
}

// tapCtx is one decision in progress.
type tapCtx struct {
	c     *compiled
	in    Input
	day   offline.Day
	flags []string
}

func (t *tapCtx) flag(f string) { t.flags = append(t.flags, f) }

func (t *tapCtx) finish(d Decision) Decision {
	d.Flags = append(t.flags, d.Flags...)
	return d
}

// common runs the checks every role shares, in order: readable, Mir, card
// expiry, clock, list present, stoplist first, staleness.
func (t *tapCtx) common() (Decision, bool) {
	in := t.in
	switch {
	case in.Identity == nil:
		return refuse(ReasonUnreadable), true
	case !in.Identity.IsMir():
		return t.noRight(ReasonNotMir), true
	case in.Identity.Expired(in.Now):
		return refuse(ReasonCardExpired), true
	}
	if !in.ClockSynced {
		t.flag(FlagClockUnsynced)
	}
	if in.List == nil {
		return t.failClosed(ReasonListMissing), true
	}
	if in.Entry != nil && in.Entry.Stop != nil {
		return refuse(ReasonStoplisted), true
	}
	return t.staleness()
}

func (t *tapCtx) staleness() (Decision, bool) {
	l := t.in.List
	if l.Age(t.in.Now) <= t.c.Policy.StaleAfter.Duration && !l.Expired(t.in.Now) {
		return Decision{}, false
	}
	if t.c.Policy.OnStale == "closed" {
		return t.failClosed(ReasonListStale), true
	}
	t.flag(FlagStaleList)
	return Decision{}, false
}

// failClosed refuses, except pinned staff at a turnstile; a bus charges the
// full fare.
func (t *tapCtx) failClosed(r Reason) Decision {
	if t.c.Role == RoleTurnstile && t.c.pinned[t.in.Identity.Token] {
		t.flag(FlagPinned)
		return t.pass(t.in.Direction)
	}
	return t.noRight(r)
}

// noRight is the refusal of a role: the full fare on a bus, a red light
// elsewhere.
func (t *tapCtx) noRight(r Reason) Decision {
	if t.c.Role == RoleBus {
		return t.fullFare(r)
	}
	return refuse(r)
}

// windowsApply says whether time windows can be trusted now; when the clock
// is unsynced and the policy skips them, the tap is flagged.
func (t *tapCtx) windowsApply() (apply bool, refused bool) {
	if t.in.ClockSynced {
		return true, false
	}
	if t.c.Policy.OnClockUnsynced == "closed" {
		return false, true
	}
	t.flag(FlagWindowSkipped)
	return false, false
}

func (t *tapCtx) counters() offline.Counters { return t.in.Counters.Clone() }

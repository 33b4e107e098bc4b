package agent

import (
	"fmt"
	"slices"
	"time"

	"karta/offline"
)

// The device roles.
const (
	RoleBus       = "bus"
	RoleTurnstile = "turnstile"
	RoleCanteen   = "canteen"
)

// Rules are the data that decide: a device's role and its settings. They
// come from the device config (later: signed config from central); no
// school or route has code of its own.
type Rules struct {
	Role   string      `toml:"role"`
	Lists  []string    `toml:"lists"` // lists consulted, first match wins
	Policy Policy      `toml:"policy"`
	Bus    BusRules    `toml:"bus"`
	School SchoolRules `toml:"school"` // turnstiles and canteens
}

// Policy says what to do when the device cannot be sure.
type Policy struct {
	// StaleAfter: a list issued longer ago than this is stale; 0: 48h.
	StaleAfter Duration `toml:"stale_after"`
	// OnStale: "use" decides with the stale list and flags the tap (buses,
	// canteens); "closed" refuses everyone but Pinned (entry).
	OnStale string `toml:"on_stale"`
	// OnClockUnsynced: "skip-windows" lets time windows pass and flags the
	// tap; "closed" refuses what needs a window.
	OnClockUnsynced string `toml:"on_clock_unsynced"`
	// Pinned are staff tokens that pass when the role fails closed.
	Pinned []string `toml:"pinned"`
}

// BusRules are a validator's fares.
type BusRules struct {
	FullFare     int      `toml:"full_fare"`     // kopecks
	RepeatWindow Duration `toml:"repeat_window"` // a second tap within it counts once; 0: 10m
}

// SchoolRules serve turnstiles and canteens of one school.
type SchoolRules struct {
	School       string              `toml:"school"`
	Holidays     []string            `toml:"holidays"`  // YYYY-MM-DD
	Schedules    map[string]Schedule `toml:"schedules"` // by role ("student", "staff") or name
	AntiPassback bool                `toml:"antipassback"`
	Meals        []MealWindow        `toml:"meals"`
}

// Schedule lists open windows per weekday: "mon" → ["07:30-15:00"].
type Schedule map[string][]string

// MealWindow is when a meal is served.
type MealWindow struct {
	Name string `toml:"name"`
	From string `toml:"from"` // HH:MM
	To   string `toml:"to"`
}

// Duration reads "48h", "10m" in TOML.
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	d.Duration = v
	return err
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// compiled is Rules checked and turned into what decisions use.
type compiled struct {
	Rules
	holidays  map[offline.Day]bool
	schedules map[string]weekWindows
	meals     []mealWindow
	pinned    map[string]bool
}

// Compile checks the rules and fills defaults.
func (r Rules) Compile() (*Engine, error) {
	c := &compiled{Rules: r, holidays: map[offline.Day]bool{}, schedules: map[string]weekWindows{}, pinned: map[string]bool{}}
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("agent: rules: %w", err)
	}
	return &Engine{c: c}, nil
}

func (c *compiled) check() error {
	if !slices.Contains([]string{RoleBus, RoleTurnstile, RoleCanteen}, c.Role) {
		return fmt.Errorf("role %q: want bus, turnstile or canteen", c.Role)
	}
	if len(c.Lists) == 0 {
		return fmt.Errorf("no lists to consult")
	}
	c.defaults()
	for _, tok := range c.Policy.Pinned {
		c.pinned[tok] = true
	}
	return c.checkRole()
}

func (c *compiled) defaults() {
	p := &c.Policy
	if p.StaleAfter.Duration == 0 {
		p.StaleAfter.Duration = 48 * time.Hour
	}
	if p.OnStale == "" {
		p.OnStale = map[string]string{RoleBus: "use", RoleCanteen: "use", RoleTurnstile: "closed"}[c.Role]
	}
	if p.OnClockUnsynced == "" {
		p.OnClockUnsynced = "skip-windows"
	}
	if c.Bus.RepeatWindow.Duration == 0 {
		c.Bus.RepeatWindow.Duration = 10 * time.Minute
	}
}

func (c *compiled) checkRole() error {
	switch {
	case c.Policy.OnStale != "use" && c.Policy.OnStale != "closed":
		return fmt.Errorf("policy.on_stale %q: want use or closed", c.Policy.OnStale)
	case c.Policy.OnClockUnsynced != "skip-windows" && c.Policy.OnClockUnsynced != "closed":
		return fmt.Errorf("policy.on_clock_unsynced %q: want skip-windows or closed", c.Policy.OnClockUnsynced)
	case c.Role == RoleBus && c.Bus.FullFare <= 0:
		return fmt.Errorf("bus.full_fare must be the fare in kopecks")
	case c.Role == RoleBus:
		return nil
	case c.School.School == "":
		return fmt.Errorf("school.school names the school this %s serves", c.Role)
	case c.Role == RoleCanteen && len(c.School.Meals) == 0:
		return fmt.Errorf("school.meals: a canteen serves at least one meal")
	}
	return c.compileSchool()
}

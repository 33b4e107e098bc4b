package offline

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"
)

// Counters are what the rules remember about one card on this device:
// privileged rides this month, meals taken today, the last passage through
// a turnstile, the last tap. They are stored with the tap that changed them.
type Counters struct {
	RideMonth uint32    `json:"rm,omitempty"` // YYYYMM of Rides
	Rides     int       `json:"r,omitempty"`
	MealDay   Day       `json:"md,omitempty"` // day of Meals
	Meals     []string  `json:"m,omitempty"`
	Direction string    `json:"d,omitempty"` // "in" or "out"
	DirAt     time.Time `json:"da,omitzero"`
	LastTap   time.Time `json:"lt,omitzero"` // last tap that counted
}

// RidesIn returns the rides counted in month YYYYMM.
func (c Counters) RidesIn(month uint32) int {
	if c.RideMonth != month {
		return 0
	}
	return c.Rides
}

// AddRide counts a privileged ride in month.
func (c *Counters) AddRide(month uint32) {
	if c.RideMonth != month {
		c.RideMonth, c.Rides = month, 0
	}
	c.Rides++
}

// HadMeal reports whether meal was taken on day.
func (c Counters) HadMeal(day Day, meal string) bool {
	return c.MealDay == day && slices.Contains(c.Meals, meal)
}

// AddMeal records meal taken on day.
func (c *Counters) AddMeal(day Day, meal string) {
	if c.MealDay != day {
		c.MealDay, c.Meals = day, nil
	}
	c.Meals = append(c.Meals, meal)
}

// Clone returns a copy safe to change.
func (c Counters) Clone() Counters {
	c.Meals = slices.Clone(c.Meals)
	return c
}

// stale reports whether nothing in c matters any more at now.
func (c Counters) stale(now time.Time, keep time.Duration) bool {
	last := c.LastTap
	if c.DirAt.After(last) {
		last = c.DirAt
	}
	return now.Sub(last) > keep
}

func encodeCounters(c *Counters) ([]byte, error) { return json.Marshal(c) }

func decodeCounters(b []byte) (Counters, error) {
	var c Counters
	if err := json.Unmarshal(b, &c); err != nil {
		return Counters{}, fmt.Errorf("%w: counters: %v", ErrCorrupt, err)
	}
	return c, nil
}

// MonthOf gives YYYYMM of t.
func MonthOf(t time.Time) uint32 {
	y, m, _ := t.Date()
	return uint32(y*100 + int(m))
}

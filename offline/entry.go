package offline

import (
	"fmt"
	"time"
)

// Day is a calendar date as YYYYMMDD, e.g. 20261121; 0 means "not set".
type Day uint32

// DayOf returns the date of t in t's location.
func DayOf(t time.Time) Day {
	y, m, d := t.Date()
	return Day(y*10000 + int(m)*100 + d)
}

// ParseDay reads "2026-11-21"; "" gives 0.
func ParseDay(s string) (Day, error) {
	if s == "" {
		return 0, nil
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return 0, fmt.Errorf("offline: date %q is not YYYY-MM-DD", s)
	}
	return DayOf(t), nil
}

func (d Day) String() string {
	if d == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d/10000, d/100%100, d%100)
}

// Entry is what a list says about one card, found by its token: the rights
// it carries and, when it is stopped, why. An entry may be stopped and carry
// no rights at all (a stoplist line).
type Entry struct {
	Token    string
	Category string // who the person is for reports: "pensioner", "schoolchild", "staff", ...
	From, To Day    // validity of the rights, both inclusive; 0: open-ended
	Bus      *BusRight
	School   *SchoolPass
	Meals    *MealRight
	Stop     *Stop
}

// BusRight is a privileged fare.
type BusRight struct {
	Discount     uint8  // percent off the full fare; 100 rides free
	MonthlyLimit uint16 // privileged rides per calendar month; 0: no limit
}

// SchoolPass lets a student or staff member through a school's turnstile.
type SchoolPass struct {
	School   string // "school-39"
	Role     string // "student" or "staff"
	Grade    uint8  // 1-11 for students, 0 otherwise
	Schedule string // a schedule of the device's rules; "": the role's default
}

// MealRight says which meals a student gets at a school's canteen.
type MealRight struct {
	School string
	Meals  []string // "breakfast", "lunch", "snack"; at most one of each a day
}

// Stop blocks a card everywhere, whatever rights it has.
type Stop struct {
	Reason string // "lost", "stolen", "misuse", ...
	Since  Day
}

// ValidOn reports whether the rights hold on day d.
func (e *Entry) ValidOn(d Day) bool {
	return (e.From == 0 || d >= e.From) && (e.To == 0 || d <= e.To)
}

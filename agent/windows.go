package agent

import (
	"fmt"
	"strings"
	"time"

	"karta/offline"
)

// span is [from, to) in minutes after midnight.
type span struct{ from, to int }

func (s span) contains(m int) bool { return m >= s.from && m < s.to }

// weekWindows holds a schedule's spans by weekday.
type weekWindows [7][]span

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

func (w *weekWindows) open(t time.Time) bool {
	m := t.Hour()*60 + t.Minute()
	for _, s := range w[t.Weekday()] {
		if s.contains(m) {
			return true
		}
	}
	return false
}

type mealWindow struct {
	name string
	span
}

func (c *compiled) compileSchool() error {
	for _, h := range c.School.Holidays {
		d, err := offline.ParseDay(h)
		if err != nil {
			return fmt.Errorf("school.holidays: %w", err)
		}
		c.holidays[d] = true
	}
	for name, sched := range c.School.Schedules {
		w, err := compileSchedule(sched)
		if err != nil {
			return fmt.Errorf("school.schedules.%s: %w", name, err)
		}
		c.schedules[name] = w
	}
	return c.compileMeals()
}

func compileSchedule(s Schedule) (weekWindows, error) {
	var w weekWindows
	for day, spans := range s {
		wd, ok := weekdays[strings.ToLower(day)]
		if !ok {
			return w, fmt.Errorf("%q is not a weekday (mon..sun)", day)
		}
		for _, text := range spans {
			sp, err := parseSpan(text)
			if err != nil {
				return w, fmt.Errorf("%s: %w", day, err)
			}
			w[wd] = append(w[wd], sp)
		}
	}
	return w, nil
}

func (c *compiled) compileMeals() error {
	for _, m := range c.School.Meals {
		sp, err := parseSpan(m.From + "-" + m.To)
		if err != nil || m.Name == "" {
			return fmt.Errorf("school.meals %q: want a name and from/to as HH:MM (%v)", m.Name, err)
		}
		c.meals = append(c.meals, mealWindow{name: m.Name, span: sp})
	}
	return nil
}

// parseSpan reads "07:30-15:00".
func parseSpan(s string) (span, error) {
	from, to, ok := strings.Cut(s, "-")
	f, err1 := parseClock(from)
	t, err2 := parseClock(to)
	if !ok || err1 != nil || err2 != nil || t <= f {
		return span{}, fmt.Errorf("window %q: want HH:MM-HH:MM, start before end", s)
	}
	return span{f, t}, nil
}

func parseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return t.Hour()*60 + t.Minute(), nil
}

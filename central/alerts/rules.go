package alerts

import "time"

// Rules are the thresholds; zero fields take the defaults.
type Rules struct {
	Skew        time.Duration // device clock vs central's; 0: 2m
	BusHop      time.Duration // the least time between two buses; 0: 10m
	SchoolHop   time.Duration // the least time between two schools; 0: 30m
	GapGrace    time.Duration // how long a gap may close by itself; 0: 30s
	JournalFull int           // percent of capacity; 0: 80
	Offline     time.Duration // a device unseen this long is offline; 0: 30m
	StaleList   time.Duration // a list version behind the newest this long is stale; 0: 6h
}

func (r Rules) withDefaults() Rules {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&r.Skew, 2*time.Minute)
	def(&r.BusHop, 10*time.Minute)
	def(&r.SchoolHop, 30*time.Minute)
	def(&r.GapGrace, 30*time.Second)
	def(&r.Offline, 30*time.Minute)
	def(&r.StaleList, 6*time.Hour)
	if r.JournalFull == 0 {
		r.JournalFull = 80
	}
	return r
}

// place is where a tap was: its device, role and school.
type place struct{ device, role, school string }

// hop is the least time anyone takes between a and b; 0: any time apart
// is plausible (the same device, a bus and a school, one school's
// turnstile and canteen).
func (r Rules) hop(a, b place) time.Duration {
	switch {
	case a.device == b.device:
		return 0
	case a.role == "bus" && b.role == "bus":
		return r.BusHop
	case a.school != "" && b.school != "" && a.school != b.school:
		return r.SchoolHop
	}
	return 0
}

// window is the widest hop: how far around a tap to look.
func (r Rules) window() time.Duration { return max(r.BusHop, r.SchoolHop) }

package sim

import (
	"karta/offline"
	"karta/offline/token"
)

// School is the school of the demo registry.
const School = "school-39"

// Entries is the demo registry: who the catalogue's Mir cards belong to and
// what they are entitled to, keyed by tokens made with key. The card
// numbers stay in memory; only tokens come out.
func Entries(key *token.Key) []*offline.Entry {
	tok := func(pan string) string { return key.PANToken([]byte(pan)) }
	schoolchild := func(pan string, grade uint8, meals ...string) *offline.Entry {
		return &offline.Entry{Token: tok(pan), Category: "schoolchild", To: 20270831,
			Bus:    &offline.BusRight{Discount: 50, MonthlyLimit: 62},
			School: &offline.SchoolPass{School: School, Role: "student", Grade: grade},
			Meals:  &offline.MealRight{School: School, Meals: meals}}
	}
	teacher := func(t string) *offline.Entry {
		return &offline.Entry{Token: t, Category: "staff", School: &offline.SchoolPass{School: School, Role: "staff"}}
	}
	return []*offline.Entry{
		{Token: tok(panMirDebit), Category: "pensioner", Bus: &offline.BusRight{Discount: 100, MonthlyLimit: 60}},
		schoolchild(panMirCredit, 3, "breakfast", "lunch"),
		schoolchild(panMirTrack2, 7, "lunch"),
		teacher(tok(panMirPAR)),
		teacher(key.PARToken([]byte(parMir))), // the same teacher's Mir Pay phone
		{Token: tok(panMirCobadged), Category: "pensioner", Bus: &offline.BusRight{Discount: 100},
			Stop: &offline.Stop{Reason: "lost", Since: 20261102}},
		{Token: tok(panMirExpired), Category: "pensioner", Bus: &offline.BusRight{Discount: 100}},
		{Token: tok(panMirQuirky), Category: "large-family", Bus: &offline.BusRight{Discount: 50}},
	}
}

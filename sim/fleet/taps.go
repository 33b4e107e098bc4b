package fleet

import (
	"fmt"
	"math/rand/v2"
	"time"

	"karta/offline"
)

// Roles a simulated device may have.
const (
	RoleBus       = "bus"
	RoleTurnstile = "turnstile"
	RoleCanteen   = "canteen"
)

// CardsPerDevice is how many distinct cards tap on one device. Each
// device has cards of its own (device n: cards n×CardsPerDevice and up),
// so that a fleet whose taps all carry the same few minutes never looks
// to central like one card on two buses at once (a cloned card).
const CardsPerDevice = 2000

// profile is what a role's taps look like: the product and list of an
// allowed tap, a share of denials and their reason, and the full fare a
// denied bus tap hands to payment.
type profile struct {
	product, list, denied string
	denyShare             float64
	fare                  int
}

var profiles = map[string]profile{
	RoleBus:       {product: "pensioner", list: "bus-fleet", denied: "no_entitlement", denyShare: 0.15, fare: 4000},
	RoleTurnstile: {product: "student", list: "school-39", denied: "outside_hours", denyShare: 0.05},
	RoleCanteen:   {product: "free-lunch", list: "school-39", denied: "meal_taken", denyShare: 0.08},
}

// ValidRole reports whether role is one the fleet simulates.
func ValidRole(role string) bool { _, ok := profiles[role]; return ok }

// newTap makes a tap of role at now by a random one of the cards from
// firstCard on. The seq is the journal's to set.
func newTap(role string, firstCard int, now time.Time, r *rand.Rand) offline.Tap {
	p := profiles[role]
	t := offline.Tap{Boot: 1, Time: now, Clock: "synced", Reader: "pcsc0", Role: role,
		Token: CardToken(firstCard + r.IntN(CardsPerDevice)), Scheme: "mir", Allowed: true, Reason: "ok",
		Product: p.product, List: p.list, ListVersion: 1, LatencyUS: 300 + r.Int64N(1500)}
	if r.Float64() < p.denyShare {
		t.Allowed, t.Reason, t.Product, t.Fare = false, p.denied, "", p.fare
	}
	return t
}

// CardToken is the token of simulated card i: well formed (key id "k1",
// 20 base64url characters), and no card number.
func CardToken(i int) string { return fmt.Sprintf("k1.S%019d", i) }

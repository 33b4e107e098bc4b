package web

import (
	"strconv"
	"strings"
)

// tapReasons are the reason codes a device gives its taps (agent.Reason,
// in the agent's order), for the taps filter; each has a "reason." text
// in the catalog (TestTapReasons checks both against agent/decision.go).
// Pages show a code's text and keep the code in a title; exports keep
// the code.
var tapReasons = []string{"ok", "repeat_tap", "unreadable", "not_mir", "card_expired", "stoplisted",
	"no_entitlement", "entitlement_invalid", "monthly_limit", "wrong_school", "outside_hours", "holiday",
	"antipassback", "no_meal_entitlement", "outside_meal_window", "meal_taken", "list_missing", "list_stale",
	"journal_full", "storage_error"}

// reasonText is a reason code's text in lang, or the code itself when
// the catalog has none (a newer agent's, or a hostile device's).
func reasonText(lang, code string) string {
	return tk(lang, "reason.", code)
}

// productText is a product code's text in lang: "bus:free" and the like
// from the catalog, "bus:discount-N" as N %, "meal:M" as the meal's name;
// any other code as it is.
func productText(lang, code string) string {
	if s, err := translate(lang, "product."+code); err == nil {
		return s
	}
	if n, ok := strings.CutPrefix(code, "bus:discount-"); ok {
		if pct, err := strconv.Atoi(n); err == nil && pct > 0 && pct <= 100 && strconv.Itoa(pct) == n {
			return tr(lang, "product.bus:discount", pct)
		}
	}
	if m, ok := strings.CutPrefix(code, "meal:"); ok && m != "" {
		if s, err := translate(lang, "meal."+m); err == nil {
			return s
		}
	}
	return code
}

package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/web"
)

// Card numbers of the lookup test (Luhn-valid) and how they may be typed.
const (
	panA = "2200701234567896"
	panB = "2202209876543215"
)

// TestCardLookup: a typed card number leads to that card's taps and to
// nothing else; the number is nowhere after — not in the answer, the
// redirect, the log or the database's files — and a malformed one is
// refused without being echoed.
func TestCardLookup(t *testing.T) {
	u := newUI(t)
	tokA, tokB := u.key.PANToken([]byte(panA)), u.key.PANToken([]byte(panB))
	for i := range 3 {
		at := t0.Add(-time.Duration(i+1) * time.Minute)
		u.save("bus-1", tap(uint64(2*i+1), at, "bus", tokA, true, "ok", "bus:free", 0),
			tap(uint64(2*i+2), at.Add(time.Second), "bus", tokB, false, "no_entitlement", "bus:full", 4500))
	}
	b := u.loggedIn(store.RoleViewer)
	var seen strings.Builder
	for _, typed := range []string{panA, "2200 7012 3456 7896", " 2200701234567896 "} {
		res := b.postForm("/taps", "/taps/lookup", url.Values{"pan": {typed}})
		if res.code != http.StatusSeeOther || res.location != "/taps?token="+url.QueryEscape(tokA) {
			t.Fatalf("lookup of %q: %d to %q", typed, res.code, res.location)
		}
		page := b.get(res.location)
		if n := count(page.body, `<tr class="tap`); n != 3 || strings.Contains(page.body, tokB) {
			t.Errorf("the card's page has %d taps (want 3), card B's token there: %v", n, strings.Contains(page.body, tokB))
		}
		seen.WriteString(res.location + page.body + strings.Join(res.header.Values("Set-Cookie"), ";"))
	}
	for _, bad := range []string{"2200701234567890", "12345", "2200-7012-3456-7896", "2200701234567896x", strings.Repeat("4", 40)} {
		res := b.postForm("/taps", "/taps/lookup", url.Values{"pan": {bad}})
		if res.code != http.StatusBadRequest || !strings.Contains(res.body, `class="error"`) {
			t.Errorf("malformed %q: %d, want 400 with .error", bad, res.code)
		}
		if strings.Contains(res.body, bad) || strings.Contains(res.body, "2200701234") {
			t.Errorf("malformed %q is echoed", bad)
		}
		seen.WriteString(res.body)
	}
	if !strings.Contains(u.log.String(), "card lookup") || !strings.Contains(u.log.String(), tokA) {
		t.Errorf("the lookup is not logged with its token:\n%s", u.log)
	}
	everything := seen.String() + u.log.String() + string(u.dbBytes())
	for _, digits := range []string{panA, "2200 7012 3456 7896", "2200701234567890", "220070123456789"} {
		if strings.Contains(everything, digits) {
			t.Errorf("%q is in a page, a redirect, the log or the database", digits)
		}
	}
}

// TestCardLookupOff: without a token key the taps page says lookup is
// off, and a lookup is refused with that.
func TestCardLookupOff(t *testing.T) {
	u := newUI(t, func(o *web.Options) { o.Tokenize = nil })
	b := u.loggedIn(store.RoleViewer)
	if page := b.get("/taps"); !strings.Contains(page.body, "--token-key") {
		t.Error("the taps page does not say card lookup is off")
	}
	res := b.postForm("/taps", "/taps/lookup", url.Values{"pan": {panA}})
	if res.code != http.StatusBadRequest || !strings.Contains(res.body, `class="error"`) || strings.Contains(res.body, panA) {
		t.Errorf("lookup without a key: %d", res.code)
	}
}

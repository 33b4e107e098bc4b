package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/internal/browsertest"
)

var cyrillic = regexp.MustCompile(`\p{Cyrillic}`)

// TestUILogin: a page asked for without a session leads to the login
// form; a wrong password is refused with an error and not echoed; the
// right one lands on the overview and its chart; the language switch
// turns the page into English and back; logging out ends the session.
func TestUILogin(t *testing.T) {
	c := startUI(t)
	b := c.browser()

	b.Go("/taps")
	if !strings.HasPrefix(b.Location(), c.base+"/login") {
		t.Fatalf("GET /taps without a session shows %s, want the login page", b.Location())
	}
	b.Go("/login")
	b.WaitFor("form#login")
	b.Screenshot("login")

	b.Fill("form#login input[name=user]", "viewer")
	b.Fill("form#login input[name=password]", "not-the-password")
	if st := b.Click("button#login-submit"); st != 401 {
		t.Errorf("a wrong password: status %d, want 401", st)
	}
	if msg := b.Text(".error"); strings.TrimSpace(msg) == "" {
		t.Error("a wrong password: .error is empty")
	}
	if strings.Contains(b.HTML(), "not-the-password") {
		t.Error("the login page echoes the wrong password")
	}
	b.WaitFor("form#login")
	b.Screenshot("wrong password")

	c.login(b, "viewer")
	if b.Location() != c.base+"/" {
		t.Errorf("logged in at %s, want the overview %s/", b.Location(), c.base)
	}
	for _, sel := range []string{"svg#taps-per-hour", "#devices-online", "#devices-offline", "#sync-backlog", "#open-alerts",
		"a#nav-overview", "a#nav-taps", "a#nav-devices", "a#nav-lists", "a#nav-reports", "a#nav-alerts"} {
		b.WaitFor(sel)
	}
	if n := b.Count("a#nav-users"); n != 0 {
		t.Error("a viewer sees a#nav-users")
	}
	lastDay := len(c.where(func(s store.StoredTap) bool { return s.Time.After(c.now.Add(-24 * time.Hour)) }))
	if n := browsertest.Eval[int](b, `Array.from(document.querySelectorAll("svg#taps-per-hour rect > title"),
		t => parseInt(t.textContent.match(/(\d+)\s*$/)[1])).reduce((a, b) => a + b, 0)`); n != lastDay {
		t.Errorf("the bars of svg#taps-per-hour count %d taps, want the %d of the last day", n, lastDay)
	}
	b.Screenshot("overview")

	checkLanguage(t, b, "ru")
	ruLabel := b.Text("a#nav-taps")
	b.Click("a#lang-en")
	checkLanguage(t, b, "en")
	if en := b.Text("a#nav-taps"); en == ruLabel || cyrillic.MatchString(en) {
		t.Errorf("a#nav-taps in English: %q (in Russian %q)", en, ruLabel)
	}
	if b.Location() != c.base+"/" {
		t.Errorf("the language switch left the overview for %s", b.Location())
	}
	b.Go("/taps") // the choice is kept
	checkLanguage(t, b, "en")
	b.Screenshot("taps in English")
	b.Click("a#lang-ru")
	checkLanguage(t, b, "ru")
	if ru := b.Text("a#nav-taps"); ru != ruLabel {
		t.Errorf("a#nav-taps back in Russian: %q, want %q", ru, ruLabel)
	}

	b.Click("button#logout-submit")
	b.Go("/")
	if !strings.HasPrefix(b.Location(), c.base+"/login") {
		t.Errorf("after logout / shows %s, want the login page", b.Location())
	}
}

// TestUITablet: the overview on a tablet held upright fits its width.
func TestUITablet(t *testing.T) {
	c := startUI(t)
	b := c.browser(browsertest.Tablet)
	c.login(b, "technician")
	b.WaitFor("svg#taps-per-hour")
	b.Screenshot("overview on a tablet")
	if w := browsertest.Eval[int](b, `document.documentElement.scrollWidth`); w > 820 {
		t.Errorf("the overview is %d px wide on an 820 px tablet", w)
	}
}

func checkLanguage(t *testing.T, b *browsertest.Browser, want string) {
	t.Helper()
	if lang, _ := b.Attr("html", "lang"); lang != want {
		t.Errorf("%s: <html lang=%q>, want %q", b.Location(), lang, want)
	}
}

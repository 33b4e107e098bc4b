package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/central/store"
)

var readFile = os.ReadFile

// TestRoles: each role reaches what it may and gets 403 for the rest;
// nobody logged in is sent to the login.
func TestRoles(t *testing.T) {
	u := newUI(t)
	ctx := context.Background()
	for _, tt := range []struct {
		method, path string
		form         url.Values
		want         map[string]int // role → status; "" is nobody
	}{
		{"GET", "/", nil, map[string]int{"": 303, "viewer": 200, "technician": 200, "admin": 200}},
		{"GET", "/taps", nil, map[string]int{"": 303, "viewer": 200, "technician": 200, "admin": 200}},
		{"GET", "/devices/bus-1", nil, map[string]int{"": 303, "viewer": 200, "technician": 200, "admin": 200}},
		{"GET", "/users", nil, map[string]int{"": 303, "viewer": 403, "technician": 403, "admin": 200}},
		{"POST", "/devices/bus-1/command", url.Values{"kind": {"resync"}}, map[string]int{"": 303, "viewer": 403, "technician": 303, "admin": 303}},
		{"POST", "/alerts/ALERT/resolve", nil, map[string]int{"": 303, "viewer": 403, "technician": 303, "admin": 303}},
		{"POST", "/users", url.Values{"name": {"new-ROLE"}, "password": {"0123456789"}, "role": {"viewer"}},
			map[string]int{"": 303, "viewer": 403, "technician": 403, "admin": 303}},
		{"POST", "/taps/lookup", url.Values{"pan": {"4111 1111 1111 1111"}}, map[string]int{"": 303, "viewer": 303, "technician": 303, "admin": 303}},
	} {
		for _, role := range []string{"", store.RoleViewer, store.RoleTechnician, store.RoleAdmin} {
			b := u.browser()
			if role != "" {
				b = u.loggedIn(role)
			}
			id, err := u.st.AddAlert(ctx, store.Alert{Kind: store.AlertOffline, Device: "bus-1"})
			must(t, err)
			path := strings.Replace(tt.path, "ALERT", itoa(id), 1)
			var res response
			if tt.method == "GET" {
				res = b.get(path)
			} else {
				form := url.Values{}
				for k, v := range tt.form {
					form[k] = []string{strings.Replace(v[0], "ROLE", role, 1)}
				}
				if role != "" {
					form.Set("csrf", csrfOf(t, b.get("/").body))
				}
				res = b.post(path, form)
			}
			if want := tt.want[role]; res.code != want {
				t.Errorf("%s %s as %q: %d, want %d\n%s", tt.method, path, role, res.code, want, res.body)
			}
			if res.code == 303 && role == "" && !strings.HasPrefix(res.location, "/login") {
				t.Errorf("%s %s as nobody: to %s, want /login", tt.method, path, res.location)
			}
			if res.code == 403 && !strings.Contains(res.body, `class="error"`) {
				t.Errorf("%s %s as %q: a 403 without .error", tt.method, path, role)
			}
		}
	}
	// What the allowed POSTs did.
	cs, err := u.st.Commands(ctx, "bus-1", 0)
	if err != nil || len(cs) != 2 {
		t.Errorf("commands stored: %d, %v; want 2 (technician, admin)", len(cs), err)
	}
	us, err := u.st.Users(ctx)
	if err != nil || len(us) != 4 || us[0].Name != "admin" || us[1].Name != "new-admin" {
		t.Errorf("users: %+v, %v; want new-admin added", us, err)
	}
}

// TestCSRF: a POST without the session's token, with a wrong one or
// from another origin is refused and changes nothing; the right one
// goes through.
func TestCSRF(t *testing.T) {
	u := newUI(t)
	ctx := context.Background()
	b := u.loggedIn(store.RoleAdmin)
	good := csrfOf(t, b.get("/").body)
	id, err := u.st.AddAlert(ctx, store.Alert{Kind: store.AlertStaleList, Device: "bus-1"})
	must(t, err)
	path := "/alerts/" + itoa(id) + "/resolve"
	for name, post := range map[string]func() response{
		"missing":      func() response { return b.post(path, url.Values{}) },
		"wrong":        func() response { return b.post(path, url.Values{"csrf": {good + "x"}}) },
		"other origin": func() response { return b.postOrigin(path, url.Values{"csrf": {good}}, "http://evil.example") },
		"hidden origin, cross-site": func() response {
			return b.postHeaders(path, url.Values{"csrf": {good}}, map[string]string{"Origin": "null", "Sec-Fetch-Site": "cross-site"})
		},
		"another user's": func() response {
			return b.post(path, url.Values{"csrf": {csrfOf(t, u.loggedIn(store.RoleTechnician).get("/").body)}})
		},
		"user add": func() response {
			return b.post("/users", url.Values{"name": {"mallory"}, "password": {"0123456789"}, "role": {"admin"}})
		},
		"command": func() response { return b.post("/devices/bus-1/command", url.Values{"kind": {"resync"}}) },
	} {
		if res := post(); res.code != http.StatusForbidden || !strings.Contains(res.body, `class="error"`) {
			t.Errorf("%s token: %d, want 403 with .error", name, res.code)
		}
	}
	as, _ := u.st.Alerts(ctx, true, 0)
	cs, _ := u.st.Commands(ctx, "", 0)
	if _, err := u.st.User(ctx, "mallory"); len(as) != 1 || len(cs) != 0 || err == nil {
		t.Errorf("refused POSTs changed something: open alerts %d, commands %d, mallory %v", len(as), len(cs), err)
	}
	// Chromium under Referrer-Policy no-referrer hides the origin of our own forms.
	if res := b.postHeaders(path, url.Values{"csrf": {good}}, map[string]string{"Origin": "null", "Sec-Fetch-Site": "same-origin"}); res.code != http.StatusSeeOther {
		t.Errorf("the right token (Origin null, same-origin): %d %s", res.code, res.body)
	}
	if as, _ := u.st.Alerts(ctx, true, 0); len(as) != 0 {
		t.Errorf("alert not resolved: %+v", as)
	}
	// The login form has its own token.
	res := u.browser().post("/login", url.Values{"user": {"admin"}, "password": {testPassword}})
	if res.code != http.StatusForbidden || strings.Contains(res.header.Get("Set-Cookie"), "karta_session") {
		t.Errorf("login without its token: %d, cookies %q", res.code, res.header.Values("Set-Cookie"))
	}
}

// TestLogin: a wrong password is a 401 with an error and is never
// echoed or logged; the right one makes a session cookie (HttpOnly,
// SameSite=Strict) whose id the database does not hold; logout ends it.
func TestLogin(t *testing.T) {
	u := newUI(t)
	b := u.browser()
	res := b.get("/taps?device=bus-1")
	if res.code != http.StatusSeeOther || res.location != "/login?next="+url.QueryEscape("/taps?device=bus-1") {
		t.Errorf("GET /taps without a session: %d to %q", res.code, res.location)
	}
	res = b.login("viewer", "wrong password 1")
	if res.code != http.StatusUnauthorized || !strings.Contains(res.body, `class="error"`) || strings.Contains(res.body, "wrong password 1") {
		t.Errorf("wrong password: %d\n%s", res.code, res.body)
	}
	res = b.login("nobody", "wrong password 2")
	if res.code != http.StatusUnauthorized {
		t.Errorf("unknown user: %d", res.code)
	}
	page := b.get("/login?next=" + url.QueryEscape("/taps?device=bus-1"))
	// Another login page meanwhile (a second tab, a favicon) keeps the first one's token good.
	b.get("/login")
	if res := b.get("/favicon.ico"); res.code != http.StatusNotFound || len(res.header.Values("Set-Cookie")) != 0 {
		t.Errorf("/favicon.ico: %d, cookies %q", res.code, res.header.Values("Set-Cookie"))
	}
	res = b.post("/login", url.Values{"csrf": {csrfOf(t, page.body)}, "user": {"viewer"}, "password": {testPassword},
		"next": {"/taps?device=bus-1"}})
	if res.code != http.StatusSeeOther || res.location != "/taps?device=bus-1" {
		t.Fatalf("login: %d to %q\n%s", res.code, res.location, res.body)
	}
	ck := sessionCookie(t, res.header)
	if !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || len(ck.Value) < 43 {
		t.Errorf("session cookie %+v", ck)
	}
	if strings.Contains(string(u.dbBytes()), ck.Value) {
		t.Error("the database holds the session id itself")
	}
	if res := b.get("/taps"); res.code != http.StatusOK {
		t.Errorf("logged in, GET /taps: %d", res.code)
	}
	res = b.postForm("/", "/logout", nil)
	if res.code != http.StatusSeeOther || res.location != "/login" {
		t.Errorf("logout: %d to %q", res.code, res.location)
	}
	if res := b.get("/"); res.code != http.StatusSeeOther {
		t.Errorf("after logout GET /: %d", res.code)
	}
	// The old cookie is dead at the server too, not only in the browser.
	stolen := u.browser()
	stolen.c.Jar.SetCookies(mustURL(t, u.srv.URL), []*http.Cookie{{Name: "karta_session", Value: ck.Value}})
	if res := stolen.get("/"); res.code != http.StatusSeeOther {
		t.Errorf("the logged-out session still works: %d", res.code)
	}
	log := u.log.String()
	for _, pw := range []string{"wrong password 1", "wrong password 2", testPassword} {
		if strings.Contains(log, pw) {
			t.Errorf("the log holds a password:\n%s", log)
		}
	}
	if !strings.Contains(log, "login failed") || !strings.Contains(log, "user=viewer") || !strings.Contains(log, "user=nobody") {
		t.Errorf("failed logins not logged with the user:\n%s", log)
	}
}

// TestSessionExpiry: a session ends after 8 h without a request, and 7
// days after login however busy.
func TestSessionExpiry(t *testing.T) {
	u := newUI(t)
	b := u.loggedIn("viewer")
	u.advance(7*time.Hour + 59*time.Minute)
	if res := b.get("/"); res.code != http.StatusOK {
		t.Fatalf("after 7:59 idle: %d", res.code)
	}
	u.advance(8*time.Hour + time.Minute)
	if res := b.get("/"); res.code != http.StatusSeeOther {
		t.Errorf("after 8:01 idle: %d, want the login", res.code)
	}
	b = u.loggedIn("viewer")
	for range 7 * 24 / 4 {
		u.advance(4 * time.Hour)
		if res := b.get("/devices"); res.code != http.StatusOK {
			t.Fatalf("busy session ended early at %s: %d", u.clock(), res.code)
		}
	}
	u.advance(time.Minute)
	if res := b.get("/devices"); res.code != http.StatusSeeOther {
		t.Errorf("a session older than 7 days: %d, want the login", res.code)
	}
	// A disabled user's session ends at once.
	b = u.loggedIn("technician")
	must(t, u.st.SetUserDisabled(context.Background(), "technician", true))
	if res := b.get("/"); res.code != http.StatusSeeOther {
		t.Errorf("disabled user's session: %d", res.code)
	}
	if res := u.browser().login("technician", testPassword); res.code != http.StatusUnauthorized {
		t.Errorf("disabled user logs in: %d", res.code)
	}
}

// TestLoginThrottle: after 5 failures in a row a user's logins wait,
// longer after each further failure; the right password then waits too.
func TestLoginThrottle(t *testing.T) {
	u := newUI(t)
	b := u.browser()
	for i := range 5 {
		if res := b.login("viewer", "guess-guess"); res.code != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, res.code)
		}
	}
	res := b.login("viewer", testPassword)
	if res.code != http.StatusTooManyRequests || !strings.Contains(res.body, `class="error"`) {
		t.Errorf("6th attempt right away: %d, want 429", res.code)
	}
	if res := u.browser().login("admin", testPassword); res.code != http.StatusSeeOther {
		t.Errorf("another user is slowed down too: %d", res.code)
	}
	for i := range 6 { // a name that is no user waits alike: the wait does not tell who exists
		want := http.StatusUnauthorized
		if i == 5 {
			want = http.StatusTooManyRequests
		}
		if res := b.login("nobody", "guess-guess"); res.code != want {
			t.Errorf("nobody's attempt %d: %d, want %d", i+1, res.code, want)
		}
	}
	u.advance(31 * time.Second)
	if res := b.login("viewer", "guess-guess"); res.code != http.StatusUnauthorized {
		t.Errorf("after 31 s: %d, want a checked (and wrong) attempt", res.code)
	}
	u.advance(31 * time.Second)
	if res := b.login("viewer", testPassword); res.code != http.StatusTooManyRequests {
		t.Errorf("31 s after the 6th failure: %d, want 429 (the wait doubled)", res.code)
	}
	u.advance(30 * time.Second)
	if res := b.login("viewer", testPassword); res.code != http.StatusSeeOther {
		t.Errorf("61 s after the 6th failure: %d", res.code)
	}
	if usr, _ := u.st.User(context.Background(), "viewer"); usr.Failures != 0 {
		t.Errorf("failures after a good login: %d", usr.Failures)
	}
}

// TestLanguage: Russian by default; /lang sets a cookie and goes back;
// the choice holds for later pages, dates in the region's zone.
func TestLanguage(t *testing.T) {
	u := newUI(t)
	b := u.loggedIn("viewer")
	if res := b.get("/devices"); !strings.Contains(res.body, `<html lang="ru">`) || !strings.Contains(res.body, "Устройства") {
		t.Errorf("default page is not Russian:\n%.300s", res.body)
	}
	res := b.get("/lang?to=en&back=" + url.QueryEscape("/devices?x=1"))
	if res.code != http.StatusSeeOther || res.location != "/devices?x=1" {
		t.Errorf("/lang: %d to %q", res.code, res.location)
	}
	if res := b.get("/taps"); !strings.Contains(res.body, `<html lang="en">`) || !strings.Contains(res.body, ">Taps<") {
		t.Errorf("after /lang?to=en the page is not English:\n%.300s", res.body)
	}
	for _, back := range []string{"//evil.example/", "https://evil.example/", "/\\evil.example"} {
		if res := b.get("/lang?to=ru&back=" + url.QueryEscape(back)); res.location != "/" {
			t.Errorf("/lang back=%q went to %q", back, res.location)
		}
	}
	if res := b.get("/lang?to=de&back=/"); res.code != http.StatusBadRequest {
		t.Errorf("/lang?to=de: %d", res.code)
	}
	// The language switch is on the login page too.
	if res := u.browser().get("/login"); !strings.Contains(res.body, `id="lang-en"`) || !strings.Contains(res.body, `id="lang-ru"`) {
		t.Error("no language switch on the login page")
	}
}

func sessionCookie(t *testing.T, h http.Header) *http.Cookie {
	t.Helper()
	for _, ck := range (&http.Response{Header: h}).Cookies() {
		if ck.Name == "karta_session" && ck.Value != "" {
			return ck
		}
	}
	t.Fatalf("no session cookie in %q", h.Values("Set-Cookie"))
	return nil
}

func mustURL(t *testing.T, s string) *url.URL {
	u, err := url.Parse(s)
	must(t, err)
	return u
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

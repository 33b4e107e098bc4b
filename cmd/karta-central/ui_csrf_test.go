package main

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"karta/internal/browsertest"
)

// TestUIRoles: a viewer reads but gets 403 on /users and on every action;
// an admin manages users.
func TestUIRoles(t *testing.T) {
	c := startUI(t)
	c.sendStatus(journalFull()) // an open alert to resolve
	viewer := c.browser()
	c.login(viewer, "viewer")
	if st := viewer.Go("/users"); st != 403 {
		t.Errorf("a viewer's GET /users: %d, want 403", st)
	}
	viewer.Screenshot("users forbidden for a viewer")
	viewer.Go("/alerts")
	if n := viewer.Count("table#alerts form.resolve-alert"); n != 0 {
		t.Errorf("a viewer sees %d form.resolve-alert", n)
	}
	id := c.openAlert()
	csrf := csrfOf(t, viewer)
	for path, form := range map[string]url.Values{
		"/devices/bus-0112/command":  {"kind": {"resync"}},
		"/alerts/" + id + "/resolve": {},
		"/users":                     {"name": {"mallory"}, "password": {"mallory-password-1"}, "role": {"admin"}},
		"/users/technician/disable":  {},
	} {
		form.Set("csrf", csrf)
		if r := viewer.PostForm(path, form); r.Status != 403 {
			t.Errorf("a viewer's POST %s: %d %s, want 403", path, r.Status, r.URL)
		}
	}
	c.checkUnchanged(t, id)

	// What the viewer may not, a technician may: the refusals above were
	// for the role.
	tech := c.browser()
	c.login(tech, "technician")
	tech.Go("/alerts")
	tech.Click("table#alerts tr#alert-" + id + " form.resolve-alert button")
	if n := tech.Count("table#alerts tr#alert-" + id); n != 0 {
		t.Errorf("alert %s still listed as open after a technician resolved it", id)
	}
	if open := c.openAlerts(t); slices.Contains(open, id) {
		t.Errorf("alert %s still open after a technician resolved it: %v", id, open)
	}

	admin := c.browser()
	c.login(admin, "admin")
	admin.Click("a#nav-users")
	if n := admin.Count("table#users tr"); n < 3 {
		t.Errorf("table#users has %d rows for 3 users", n)
	}
	admin.Fill("form#add-user [name=name]", "olga")
	admin.Fill("form#add-user [name=password]", "olga-password-42")
	admin.Fill("form#add-user [name=role]", "technician")
	admin.Click("button#add-user-submit")
	if !strings.Contains(admin.Text("table#users"), "olga") {
		t.Errorf("the new user is not in table#users:\n%s", admin.Text("table#users"))
	}
	if strings.Contains(admin.HTML(), "olga-password-42") {
		t.Error("the users page shows the new user's password")
	}
	admin.Screenshot("users")
	c.passwords["olga"] = "olga-password-42"
	olga := c.browser()
	c.login(olga, "olga")

	// The same kind of POST the viewer sent, from the admin: the viewer's
	// were refused for the role, not for the way they were sent.
	if r := admin.PostForm("/users/olga/disable", url.Values{"csrf": {csrfOf(t, admin)}}); r.Status != 200 {
		t.Errorf("the admin's POST /users/olga/disable: %d %s", r.Status, r.URL)
	}
	olga = c.browser()
	olga.Go("/login")
	olga.Fill("form#login input[name=user]", "olga")
	olga.Fill("form#login input[name=password]", c.passwords["olga"])
	if st := olga.Click("button#login-submit"); st == 200 || olga.Count("form#logout") != 0 {
		t.Errorf("a disabled user logged in: %d at %s", st, olga.Location())
	}
}

// TestUICSRF: a POST without the session's csrf token, or with a wrong
// one, is refused with 403 and changes nothing; so is a form another
// site's page submits to central with the victim's session.
func TestUICSRF(t *testing.T) {
	c := startUI(t)
	c.sendStatus(journalFull())
	id := c.openAlert()
	b := c.browser()
	c.login(b, "admin")
	b.Go("/devices/bus-0112")
	good := csrfOf(t, b)
	for _, csrf := range []string{"", "x", strings.Repeat("A", len(good)), good + "x"} {
		for path, form := range map[string]url.Values{
			"/devices/bus-0112/command":  {"kind": {"resync"}},
			"/alerts/" + id + "/resolve": {},
			"/users":                     {"name": {"mallory"}, "password": {"mallory-password-1"}, "role": {"admin"}},
			"/logout":                    {},
		} {
			if csrf != "" {
				form.Set("csrf", csrf)
			}
			if r := b.PostForm(path, form); r.Status != 403 {
				t.Errorf("POST %s with csrf %q: %d %s, want 403", path, csrf, r.Status, r.URL)
			}
		}
	}
	// The page's own form, its token changed or taken out.
	for _, tamper := range []string{`el.value = "x"`, `el.remove()`} {
		b.Go("/devices/bus-0112")
		browsertest.Eval[bool](b, `(el => { `+tamper+`; return true })(document.querySelector("form#send-command input[name=csrf]"))`)
		if st := b.Click("button#command-submit"); st != 403 {
			t.Errorf("form#send-command after %s: %d, want 403", tamper, st)
		}
	}
	b.Screenshot("wrong csrf token refused")
	c.checkUnchanged(t, id)
	if st := b.Go("/users"); st != 200 {
		t.Errorf("the refused POST /logout logged the admin out: GET /users %d", st)
	}

	// Another site's page posts to central as soon as it loads: from
	// another port of 127.0.0.1 (same site, another origin) and from
	// localhost (another site).
	for _, host := range []string{"127.0.0.1", "localhost"} {
		evil := evilSite(t, host, c.base, id)
		for _, path := range []string{"/command", "/resolve", "/users", "/lookup"} {
			b.Go(evil + path)
			b.WaitURL(c.base)
			docs := b.Documents()
			last := docs[len(docs)-1]
			if last.Status != 403 && !strings.HasPrefix(last.URL, c.base+"/login") {
				t.Errorf("%s%s submitted its form to central: %d at %s", evil, path, last.Status, last.URL)
			}
			if path == "/command" {
				b.Screenshot("form from " + host + " refused")
			}
		}
	}
	c.checkUnchanged(t, id)

	// The same form untouched is taken: the refusals were for the token.
	b.Go("/devices/bus-0112")
	if st := b.Click("button#command-submit"); st != 200 || b.Count(".flash") != 1 {
		t.Errorf("form#send-command as it is: %d, %d .flash", st, b.Count(".flash"))
	}
	if out, _ := mustRun(t, "command", "list", "--db", c.db); strings.Count(out, "\n") != 2 {
		t.Errorf("commands after one good form:\n%s", out)
	}
}

// evilSite serves pages on host that post a form to central on load and
// returns its URL.
func evilSite(t *testing.T, host, central, alert string) string {
	forms := map[string]string{
		"/command": `<form method="POST" action="` + central + `/devices/bus-0112/command"><input name="kind" value="resync"><input name="csrf" value="guess"></form>`,
		"/resolve": `<form method="POST" action="` + central + `/alerts/` + alert + `/resolve"></form>`,
		"/users":   `<form method="POST" action="` + central + `/users"><input name="name" value="mallory"><input name="password" value="mallory-password-1"><input name="role" value="admin"></form>`,
		"/lookup":  `<form method="POST" action="` + central + `/taps/lookup"><input name="pan" value="` + uiCards[pensioner].pan + `"></form>`,
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<!doctype html><html><body><h1>%s</h1>%s<script>document.forms[0].submit()</script></body></html>`,
			html.EscapeString(r.URL.Path), forms[r.URL.Path])
	})}}
	s.Start()
	t.Cleanup(s.Close)
	return "http://" + host + ":" + fmt.Sprint(ln.Addr().(*net.TCPAddr).Port)
}

func csrfOf(t *testing.T, b *browsertest.Browser) string {
	t.Helper()
	csrf, ok := b.Attr("form#logout input[name=csrf]", "value")
	if !ok || len(csrf) < 16 {
		t.Fatalf("form#logout's csrf token: %q", csrf)
	}
	return csrf
}

package web_test

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"karta/central/control"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/central/web"
	"karta/central/web/password"
	"karta/internal/syncbuf"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/token"
)

// t0 is the fake clock's start: 10:30 in Kaliningrad.
var t0 = time.Date(2026, 11, 21, 8, 30, 0, 0, time.UTC)

var (
	kaliningrad = web.Region()
	discard     = slog.New(slog.DiscardHandler)
)

type offlineTap = offline.Tap

// ui is a running UI on a real SQLite store, with a user of each role
// (named as the role), a token key and a signing key.
type ui struct {
	t   *testing.T
	srv *httptest.Server
	st  *store.Store
	dsn string
	key *token.Key
	sk  *bundle.SigningKey
	log *syncbuf.Buffer
	mu  sync.Mutex
	now time.Time
}

const testPassword = "correct horse battery"

type uiOption func(*web.Options)

func newUI(t *testing.T, opts ...uiOption) *ui {
	t.Helper()
	u := &ui{t: t, dsn: storetest.DSN(t, "sqlite"), log: &syncbuf.Buffer{}, now: t0}
	u.st = storetest.OpenOptions(t, u.dsn, store.Options{Now: u.clock})
	var err error
	if u.key, err = token.Generate("t1", rand.Reader); err != nil {
		t.Fatal(err)
	}
	if u.sk, err = bundle.GenerateSigningKey("test", rand.Reader); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, role := range store.Roles {
		h, err := password.Hash(testPassword, 1)
		must(t, err)
		must(t, u.st.AddUser(ctx, store.User{Name: role, Role: role, Hash: h}))
	}
	must(t, u.st.PutDevice(ctx, store.Device{ID: "bus-1", Role: "bus", Route: "112"}))
	must(t, u.st.PutDevice(ctx, store.Device{ID: "canteen-1", Role: "canteen", School: "school-39"}))
	o := web.Options{Store: u.st, Users: u.st, Clock: u.clock, Iterations: 1,
		Log:      slog.New(slog.NewTextHandler(u.log, nil)),
		Tokenize: func(pan string) (string, error) { return u.key.PANToken([]byte(pan)), nil },
		Commands: &control.Issuer{Store: u.st, Key: u.sk, Now: u.clock}}
	for _, f := range opts {
		f(&o)
	}
	u.srv = httptest.NewServer(web.Handler(o))
	t.Cleanup(u.srv.Close)
	return u
}

func (u *ui) clock() time.Time {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.now
}

func (u *ui) advance(d time.Duration) {
	u.mu.Lock()
	u.now = u.now.Add(d)
	u.mu.Unlock()
}

// browser is a client with its own cookies that does not follow
// redirects, so that tests see them.
type browser struct {
	u *ui
	c *http.Client
}

func (u *ui) browser() *browser {
	jar, err := cookiejar.New(nil)
	must(u.t, err)
	return &browser{u: u, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// loggedIn is a browser with a session of user.
func (u *ui) loggedIn(user string) *browser {
	b := u.browser()
	if res := b.login(user, testPassword); res.code != http.StatusSeeOther || res.location != "/" {
		u.t.Fatalf("login of %s: %d %s\n%s", user, res.code, res.location, res.body)
	}
	return b
}

type response struct {
	code     int
	location string
	header   http.Header
	body     string
}

func (b *browser) get(path string) response {
	b.u.t.Helper()
	res, err := b.c.Get(b.u.srv.URL + path)
	if err != nil {
		b.u.t.Fatal(err)
	}
	return read(b.u.t, res)
}

// post sends a form as a browser would: with the Origin of the site.
func (b *browser) post(path string, form url.Values) response {
	b.u.t.Helper()
	return b.postOrigin(path, form, b.u.srv.URL)
}

func (b *browser) postOrigin(path string, form url.Values, origin string) response {
	b.u.t.Helper()
	return b.postHeaders(path, form, map[string]string{"Origin": origin})
}

// postHeaders posts a form with these headers ("" values left out).
func (b *browser) postHeaders(path string, form url.Values, headers map[string]string) response {
	b.u.t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.u.srv.URL+path, strings.NewReader(form.Encode()))
	must(b.u.t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	res, err := b.c.Do(req)
	if err != nil {
		b.u.t.Fatal(err)
	}
	return read(b.u.t, res)
}

// postForm posts with the CSRF token of the page at from.
func (b *browser) postForm(from, path string, form url.Values) response {
	b.u.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf", csrfOf(b.u.t, b.get(from).body))
	return b.post(path, form)
}

func (b *browser) login(user, pw string) response {
	b.u.t.Helper()
	page := b.get("/login")
	return b.post("/login", url.Values{"csrf": {csrfOf(b.u.t, page.body)}, "user": {user}, "password": {pw}})
}

func read(t *testing.T, res *http.Response) response {
	t.Helper()
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	must(t, err)
	return response{code: res.StatusCode, location: res.Header.Get("Location"), header: res.Header, body: string(body)}
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in:\n%s", page)
	}
	return m[1]
}

// count is how many times an element with this opening text is on page.
func count(page, opening string) int { return strings.Count(page, opening) }

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// tap is a tap of device at, by the card tok.
func tap(seq uint64, at time.Time, role, tok string, allowed bool, reason, product string, fare int) offline.Tap {
	return offline.Tap{Seq: seq, Boot: 1, Time: at, Clock: "synced", Reader: "pcsc0", Role: role, Token: tok,
		Scheme: "mir", Allowed: allowed, Reason: reason, Product: product, Fare: fare, List: "bus-fleet", ListVersion: 1}
}

func (u *ui) save(device string, taps ...offline.Tap) {
	u.t.Helper()
	_, err := u.st.SaveTaps(context.Background(), []store.DeviceBatch{{Device: device, Received: u.clock(), Taps: taps}})
	must(u.t, err)
}

// dbBytes is every file of the SQLite database (WAL and all), for
// looking for what must not be there.
func (u *ui) dbBytes() []byte {
	u.t.Helper()
	paths, err := filepath.Glob(strings.TrimPrefix(u.dsn, "sqlite:") + "*")
	must(u.t, err)
	var all []byte
	for _, p := range paths {
		b, err := readFile(p)
		must(u.t, err)
		all = append(all, b...)
	}
	return all
}

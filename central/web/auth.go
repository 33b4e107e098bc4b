package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"sync"
	"time"

	"karta/central/store"
	"karta/central/web/password"
)

// Cookies of the UI.
const (
	sessionCookie = "karta_session" // the session id, 32 random bytes
	loginCookie   = "karta_login"   // the login form's CSRF token, before there is a session
	langCookie    = "karta_lang"
	maxForm       = 64 << 10 // bytes of a form
)

// call is one request's who and how: its session (zero when nobody is
// logged in) and its language.
type call struct {
	sess store.Session
	lang string
	back string // where the language switch returns to
}

func (c *call) allowed(role string) bool { return rank(c.sess.Role) >= rank(role) }

func (c *call) tf(key string, v ...any) string { return tr(c.lang, key, v...) }

// rank orders the roles; an unknown role is below every one.
func rank(role string) int { return slices.Index(store.Roles, role) }

// page wraps a handler: it needs a live session with at least role
// (else 303 to the login, or a 403 page), and a POST also needs the
// session's CSRF token and, when the browser names one, our own origin.
func (s *server) page(role string, h func(http.ResponseWriter, *http.Request, *call)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.newCall(r)
		if !s.session(r, c) {
			s.toLogin(w, r)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if ok, why := s.csrfOK(r, c.sess.CSRF); !ok {
				s.Log.Warn("web: POST refused", "why", why, "user", c.sess.User, "path", r.URL.Path)
				s.fail(w, c, http.StatusForbidden, "error.csrf")
				return
			}
		}
		if !c.allowed(role) {
			s.fail(w, c, http.StatusForbidden, "error.forbidden")
			return
		}
		h(w, r, c)
	})
}

func (s *server) newCall(r *http.Request) *call {
	c := &call{lang: langOf(r), back: "/"}
	if r.Method == http.MethodGet {
		c.back = localPath(r.URL.RequestURI())
	}
	return c
}

// session finds the request's live session and notes its use; an
// expired one is deleted.
func (s *server) session(r *http.Request, c *call) bool {
	ck, err := r.Cookie(sessionCookie)
	if err != nil {
		return false
	}
	hash := idHash(ck.Value)
	se, err := s.Users.Session(r.Context(), hash)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.Log.Error("web: session unreadable", "err", err)
		}
		return false
	}
	now := s.now()
	if now.Sub(se.Seen) > IdleTimeout || now.Sub(se.Created) > AbsoluteTimeout {
		s.Users.DeleteSession(r.Context(), hash)
		s.Log.Info("web: session expired", "user", se.User)
		return false
	}
	if now.Sub(se.Seen) > touchEvery {
		if err := s.Users.TouchSession(r.Context(), hash, now); err != nil {
			s.Log.Warn("web: session not touched", "err", err)
		}
	}
	c.sess = se
	return true
}

// toLogin sends a browser without a session to the login, and back to
// the page it asked for afterwards.
func (s *server) toLogin(w http.ResponseWriter, r *http.Request) {
	to := "/login"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		to += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// csrfOK checks a POST's csrf field against want in constant time and,
// when the browser sends an Origin, that it is this host; else it says
// why not. It reads the form; callers must not log it (it may carry a
// card number).
func (s *server) csrfOK(r *http.Request, want string) (bool, string) {
	if err := r.ParseForm(); err != nil {
		return false, "form unreadable"
	}
	if !sameSite(r) {
		return false, "sent from another site"
	}
	switch got := r.PostForm.Get("csrf"); {
	case want == "":
		return false, "no token to compare with"
	case got == "":
		return false, "no csrf field"
	case subtle.ConstantTimeCompare([]byte(got), []byte(want)) != 1:
		return false, "csrf field differs"
	}
	return true, ""
}

// sameSite says whether a POST may come from our own pages: its Origin
// names this host, or — when the browser hides the origin ("null", which
// is what our Referrer-Policy no-referrer makes Chromium send for a
// form) or sends none — its Sec-Fetch-Site, if any, says same-origin.
func sameSite(r *http.Request) bool {
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		return err == nil && u.Host == r.Host
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site == "" || site == "same-origin"
}

func (s *server) loginPage(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(r)
	if s.session(r, c) {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.showLogin(w, r, c, http.StatusOK, "", "")
}

type loginData struct{ CSRF, Next, Name string }

// showLogin shows the login form with the pre-session token: the
// browser's own if it has one (a second login page — another tab, a
// favicon sent to the login — must not void the first), else a fresh
// one. errKey is a catalog key or "".
func (s *server) showLogin(w http.ResponseWriter, r *http.Request, c *call, code int, name, errKey string, v ...any) {
	tok := randomText(24)
	if ck, err := r.Cookie(loginCookie); err == nil && len(ck.Value) == len(tok) {
		tok = ck.Value
	}
	s.setCookie(w, r, &http.Cookie{Name: loginCookie, Value: tok, Path: "/login", MaxAge: int(loginCookieAge / time.Second)})
	vw := view{Title: "login.title", D: loginData{CSRF: tok, Next: localPath(r.FormValue("next")), Name: name}}
	if errKey != "" {
		vw.Error = c.tf(errKey, v...)
	}
	s.render(w, c, code, "login", vw)
}

// login checks a user's password and starts a session. After
// freeFailures failures in a row each attempt waits longer, up to
// maxLoginWait; failures are logged with the user name, never the
// password.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	c := s.newCall(r)
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	want := ""
	if ck, err := r.Cookie(loginCookie); err == nil {
		want = ck.Value
	}
	if ok, why := s.csrfOK(r, want); !ok {
		if want == "" {
			why = "no login cookie"
		}
		s.Log.Warn("web: login refused", "why", why, "remote", r.RemoteAddr)
		s.showLogin(w, r, c, http.StatusForbidden, "", "error.csrf_login")
		return
	}
	name, pw := r.PostForm.Get("user"), r.PostForm.Get("password")
	u, err := s.Users.User(r.Context(), name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.Log.Error("web: login: users unreadable", "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	now := s.now()
	known := err == nil
	if !known {
		u = s.strangers.get(name) // counted like users, so that waiting does not tell who exists
	}
	if wait := loginWait(u, now); wait > 0 {
		s.Log.Warn("web: login refused: too many failures", "user", logName(name), "remote", r.RemoteAddr, "failures", u.Failures)
		s.showLogin(w, r, c, http.StatusTooManyRequests, name, "login.wait", int(wait.Round(time.Second)/time.Second))
		return
	}
	if !s.passwordOK(u, known, pw) {
		s.Log.Warn("web: login failed", "user", logName(name), "remote", r.RemoteAddr)
		if known {
			s.Users.RecordLogin(r.Context(), name, false, now)
		} else {
			s.strangers.failed(name, now)
		}
		s.showLogin(w, r, c, http.StatusUnauthorized, name, "login.wrong")
		return
	}
	if err := s.startSession(w, r, u, now); err != nil {
		s.Log.Error("web: login: session not stored", "user", u.Name, "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	s.Log.Info("web: logged in", "user", u.Name, "role", u.Role, "remote", r.RemoteAddr)
	http.Redirect(w, r, localPath(r.PostForm.Get("next")), http.StatusSeeOther)
}

// passwordOK checks pw; an unknown or disabled user's check costs the
// same as a real one, so that timing does not tell who exists.
func (s *server) passwordOK(u store.User, known bool, pw string) bool {
	hash := u.Hash
	if !known {
		hash = s.dummy()
	}
	ok, err := password.Check(hash, pw)
	if err != nil {
		s.Log.Error("web: a stored password hash is malformed", "user", u.Name, "err", err)
	}
	return ok && known && !u.Disabled
}

// loginWait is how long u must wait before its next attempt.
func loginWait(u store.User, now time.Time) time.Duration {
	if u.Failures < freeFailures {
		return 0
	}
	wait := maxLoginWait
	if n := u.Failures - freeFailures; n < 5 {
		wait = min(maxLoginWait, 30*time.Second<<n)
	}
	return u.Failed.Add(wait).Sub(now)
}

func (s *server) startSession(w http.ResponseWriter, r *http.Request, u store.User, now time.Time) error {
	ctx := r.Context()
	if err := s.Users.RecordLogin(ctx, u.Name, true, now); err != nil {
		return err
	}
	if _, err := s.Users.DeleteStaleSessions(ctx, now.Add(-IdleTimeout), now.Add(-AbsoluteTimeout)); err != nil {
		return err
	}
	id := randomText(32)
	se := store.Session{IDHash: idHash(id), User: u.Name, CSRF: randomText(32), Created: now, Seen: now}
	if err := s.Users.AddSession(ctx, se); err != nil {
		return err
	}
	s.setCookie(w, r, &http.Cookie{Name: sessionCookie, Value: id, Path: "/", MaxAge: int(AbsoluteTimeout / time.Second)})
	s.setCookie(w, r, &http.Cookie{Name: loginCookie, Path: "/login", MaxAge: -1})
	return nil
}

func (s *server) logout(w http.ResponseWriter, r *http.Request, c *call) {
	if ck, err := r.Cookie(sessionCookie); err == nil {
		if err := s.Users.DeleteSession(r.Context(), idHash(ck.Value)); err != nil {
			s.Log.Error("web: logout: session not deleted", "user", c.sess.User, "err", err)
		}
	}
	s.setCookie(w, r, &http.Cookie{Name: sessionCookie, Path: "/", MaxAge: -1})
	s.Log.Info("web: logged out", "user", c.sess.User)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// setCookie sets a cookie HttpOnly, SameSite=Strict, and Secure over
// TLS or when Options.Secure says central is behind a TLS proxy.
func (s *server) setCookie(w http.ResponseWriter, r *http.Request, ck *http.Cookie) {
	ck.HttpOnly, ck.SameSite, ck.Secure = true, http.SameSiteStrictMode, s.Secure || r.TLS != nil
	http.SetCookie(w, ck)
}

// idHash is what the sessions table keeps of a session id.
func idHash(id string) string {
	h := sha256.Sum256([]byte(id))
	return hex.EncodeToString(h[:])
}

// randomText is n random bytes in unpadded base64url.
func randomText(n int) string {
	b := make([]byte, n)
	rand.Read(b) // crypto/rand never fails on Linux
	return base64.RawURLEncoding.EncodeToString(b)
}

// logName is a typed user name fit for the log: at most 64 bytes.
func logName(name string) string {
	if len(name) > 64 {
		return name[:64] + "…"
	}
	return name
}

// dummyHash makes, once and when first needed, a hash no password
// matches, at the iterations real hashes have.
func dummyHash(iterations int) func() string {
	return sync.OnceValue(func() string {
		h, err := password.Hash(randomText(24), iterations)
		if err != nil {
			panic(err) // a random 32-character password and our own iterations: a bug
		}
		return h
	})
}

// strangers counts failed logins of names that are no user, in memory,
// as the users table counts users'. It forgets everything when it holds
// maxStrangers names.
type strangers struct {
	mu sync.Mutex
	m  map[string]store.User
}

const maxStrangers = 10_000

func (st *strangers) get(name string) store.User {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.m[name]
}

func (st *strangers) failed(name string, at time.Time) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.m == nil || len(st.m) >= maxStrangers {
		st.m = map[string]store.User{}
	}
	u := st.m[name]
	u.Failures, u.Failed = u.Failures+1, at
	st.m[name] = u
}

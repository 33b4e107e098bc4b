package web

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"
	"time"

	"karta/central/store"
)

//go:embed assets/style.css assets/templates/*.html
var assets embed.FS

// pageNames are the templates under assets/templates, each of which
// defines "content" for the layout.
var pageNames = []string{"login", "error", "overview", "taps", "devices", "device", "lists", "reports",
	"rides", "meals", "alerts", "users"}

// pages holds each page's template per language.
type pages map[string]map[string]*template.Template

// mustParse parses every page in every language; the templates are part
// of the binary, so a parse error is a bug.
func mustParse(loc *time.Location) pages {
	ps := pages{}
	for _, lang := range languages {
		ps[lang] = map[string]*template.Template{}
		for _, name := range pageNames {
			t := template.New(name).Funcs(funcs(lang, loc))
			ps[lang][name] = template.Must(t.ParseFS(assets, "assets/templates/layout.html", "assets/templates/"+name+".html"))
		}
	}
	return ps
}

// funcs are the templates' helpers in one language.
func funcs(lang string, loc *time.Location) template.FuncMap {
	return template.FuncMap{
		"t": func(key string) (string, error) { return translate(lang, key) },
		"tf": func(key string, v ...any) (string, error) {
			f, err := translate(lang, key)
			return fmt.Sprintf(f, v...), err
		},
		"tk":        func(prefix, v string) string { return tk(lang, prefix, v) },
		"reason":    func(code string) string { return reasonText(lang, code) },
		"product":   func(code string) string { return productText(lang, code) },
		"reasons":   func() []string { return tapReasons },
		"when":      func(t time.Time) string { return when(t, loc) },
		"dur":       func(d time.Duration) string { return showDuration(d, lang) },
		"rub":       rubles,
		"bytes":     func(n int) string { return showBytes(n, lang) },
		"roles":     func() []string { return deviceRoles },
		"userRoles": func() []string { return store.Roles },
		"age":       func(time.Time) string { return "" }, // replaced per request (it needs now)
	}
}

var deviceRoles = []string{"bus", "turnstile", "canteen"}

// view is what the layout shows around a page's own data D.
type view struct {
	Lang, Title, Nav string
	Subject          string // shown after the title: the device's id
	User, Role, CSRF string
	Back             string // this page, for the language switch
	Flash, Error     string // already translated
	Admin, CanAct    bool   // may manage users; may command devices and resolve alerts
	D                any
}

// render writes a page with status code. The page is made in memory
// first: a failing template is a 500, never half a page.
func (s *server) render(w http.ResponseWriter, c *call, code int, name string, v view) {
	v.Lang, v.User, v.Back = c.lang, c.sess.User, c.back
	if v.User != "" {
		v.Role, v.CSRF = c.sess.Role, c.sess.CSRF
		v.Admin, v.CanAct = c.allowed(store.RoleAdmin), c.allowed(store.RoleTechnician)
	}
	now := s.now()
	t, err := s.pages[c.lang][name].Clone()
	var b bytes.Buffer
	if err == nil {
		t.Funcs(template.FuncMap{"age": func(at time.Time) string { return age(now, at, c.lang) }})
		err = t.ExecuteTemplate(&b, "layout", v)
	}
	if err != nil {
		s.Log.Error("web: page failed", "page", name, "err", err)
		http.Error(w, "internal error; see central's log", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	w.Write(b.Bytes()) // a write error means the browser left
}

// fail shows an error page: msg is a catalog key.
func (s *server) fail(w http.ResponseWriter, c *call, code int, key string, v ...any) {
	s.render(w, c, code, "error", view{Title: "error.title", Error: c.tf(key, v...)})
}

// headers sets the security headers every answer carries, and keeps
// pages out of caches.
func headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; form-action 'self'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		if r.URL.Path != "/static/style.css" {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

func styleCSS(w http.ResponseWriter, r *http.Request) {
	b, err := assets.ReadFile("assets/style.css")
	if err != nil {
		http.Error(w, "no style sheet", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	w.Write(b)
}

// when shows a time in the region's zone; zero is a dash.
func when(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return "—"
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// age shows how long ago at was, roughly.
func age(now, at time.Time, lang string) string {
	if at.IsZero() {
		return "—"
	}
	return showDuration(now.Sub(at).Truncate(time.Second), lang)
}

// showDuration shows a duration in its two largest units, in lang: "3d
// 4h", "2h 5m", "40s", "-1.5s".
func showDuration(d time.Duration, lang string) string {
	u := func(unit string) string { return tr(lang, "unit."+unit) }
	switch {
	case d < 0 && showDuration(-d, lang) != "0"+u("s"):
		return "-" + showDuration(-d, lang)
	case d < 0:
		return "0" + u("s")
	case d >= 24*time.Hour:
		return fmt.Sprintf("%d%s %d%s", d/(24*time.Hour), u("d"), d%(24*time.Hour)/time.Hour, u("h"))
	case d >= time.Hour:
		return fmt.Sprintf("%d%s %d%s", d/time.Hour, u("h"), d%time.Hour/time.Minute, u("m"))
	case d >= time.Minute:
		return fmt.Sprintf("%d%s %d%s", d/time.Minute, u("m"), d%time.Minute/time.Second, u("s"))
	case d >= time.Second:
		return strconv.FormatFloat(d.Round(100*time.Millisecond).Seconds(), 'f', -1, 64) + u("s")
	case d.Round(time.Millisecond) == 0:
		return "0" + u("s")
	}
	return strconv.FormatInt(d.Round(time.Millisecond).Milliseconds(), 10) + u("ms")
}

// rubles shows kopecks as rubles: 4500 → "45.00".
func rubles(kop any) string {
	var n int64
	switch k := kop.(type) {
	case int:
		n = int64(k)
	case int64:
		n = k
	}
	sign := ""
	if n < 0 {
		sign, n = "-", -n
	}
	return fmt.Sprintf("%s%d.%02d", sign, n/100, n%100)
}

func showBytes(n int, lang string) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%.1f %s", float64(n)/(1<<20), tr(lang, "unit.mib"))
	case n >= 10<<10:
		return fmt.Sprintf("%.1f %s", float64(n)/(1<<10), tr(lang, "unit.kib"))
	}
	return fmt.Sprintf("%d %s", n, tr(lang, "unit.b"))
}

// localPath is p if it is a path on this site, else "/": redirects never
// leave it.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\\r\n") {
		return "/"
	}
	return p
}

package browsertest

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// site is a small page set standing in for central's UI.
func site(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<!doctype html><html lang="ru"><body><h1 id="title">Сводка</h1>
<table id="t"><tr class="row"><td>a</td><td> 1 </td></tr><tr class="row"><td>b</td><td>2</td></tr></table>
<form id="f" method="POST" action="/submit"><input name="who"><select name="role"><option value="">all</option><option value="bus">bus</option></select>
<button id="go">Go</button></form>
<form id="g" method="GET" action="/search"><input name="q" autocomplete="off"><button id="search">Search</button></form>
<a id="csv" href="/export.csv">CSV</a> <a id="moved" href="/old">old</a></body></html>`)
	})
	mux.HandleFunc("POST /submit", func(w http.ResponseWriter, r *http.Request) {
		if r.FormValue("who") == "" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `<html><body><p class="error">who?</p></body></html>`)
			return
		}
		http.SetCookie(w, &http.Cookie{Name: "session", Value: r.FormValue("who"), Path: "/"})
		http.Redirect(w, r, "/hello?role="+r.FormValue("role"), http.StatusSeeOther)
	})
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		c, _ := r.Cookie("session")
		fmt.Fprintf(w, `<html><body><p id="hi">hello %s, %s</p></body></html>`, c.Value, r.FormValue("role"))
	})
	mux.HandleFunc("GET /search", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><body><p id="q">%d keys</p></body></html>`, len(r.FormValue("q")))
	})
	mux.HandleFunc("POST /api", func(w http.ResponseWriter, r *http.Request) {
		c, err := r.Cookie("session")
		if err != nil {
			http.Error(w, "no session", http.StatusForbidden)
			return
		}
		fmt.Fprintf(w, "%s posted %s", c.Value, r.FormValue("x"))
	})
	mux.HandleFunc("GET /self", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><body><form method="POST" action="/submit"><input name="who" value="eve"></form><script>document.forms[0].submit()</script></body></html>`)
	})
	mux.HandleFunc("GET /old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hello?role=moved", http.StatusFound)
	})
	mux.HandleFunc("GET /export.csv", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/csv")
		w.Header().Set("Content-Disposition", `attachment; filename="taps.csv"`)
		fmt.Fprint(w, "device,role\nbus-1,bus\n")
	})
	s := httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func TestBrowser(t *testing.T) {
	t.Setenv("KARTA_SCREENSHOTS", t.TempDir())
	s := site(t)
	b := New(t)
	b.Base = s.URL
	if st := b.Go("/"); st != 200 {
		t.Fatalf("GET /: %d", st)
	}
	if got := b.Text("h1#title"); got != "Сводка" {
		t.Errorf("Text = %q", got)
	}
	if got := b.Rows("table#t tr.row"); !reflect.DeepEqual(got, [][]string{{"a", "1"}, {"b", "2"}}) {
		t.Errorf("Rows = %q", got)
	}
	if got := b.Texts("tr.row td:first-child"); !reflect.DeepEqual(got, []string{"a", "b"}) {
		t.Errorf("Texts = %q", got)
	}
	if n := b.Count("tr.row"); n != 2 || b.Count("#nothing") != 0 {
		t.Errorf("Count = %d", n)
	}
	if v, ok := b.Attr("html", "lang"); v != "ru" || !ok {
		t.Errorf("lang = %q, %v", v, ok)
	}
	if _, ok := b.Attr("html", "dir"); ok {
		t.Error("an absent attribute is there")
	}
	if w := Eval[int](b, "window.innerWidth"); w != 1280 {
		t.Errorf("window %d wide, want 1280", w)
	}
	if l := Eval[string](b, "navigator.language + ' ' + new Date(0).toLocaleDateString(undefined, {timeZone: 'UTC'})"); l != "ru-RU 01.01.1970" {
		t.Errorf("the browser's language and date: %q, want ru-RU 01.01.1970", l)
	}

	// A form posted empty answers 401; filled, it redirects to a page
	// that sees the cookie.
	if st := b.Click("button#go"); st != 401 || b.Text(".error") != "who?" {
		t.Errorf("empty form: %d %q", st, b.HTML())
	}
	b.Go("/")
	b.Fill("input[name=who]", "ann")
	b.Fill("select[name=role]", "bus")
	if st := b.Click("button#go"); st != 200 || b.Text("#hi") != "hello ann, bus" || b.Location() != s.URL+"/hello?role=bus" {
		t.Errorf("filled form: %d %q at %s", st, b.Text("#hi"), b.Location())
	}
	b.Go("/")
	b.Type("input[name=q]", "12345")
	if b.Click("button#search"); b.Text("#q") != "5 keys" {
		t.Errorf("typed: %q", b.Text("#q"))
	}
	b.Go("/")
	if st := b.Click("a#moved"); st != 200 || b.Text("#hi") != "hello ann, moved" {
		t.Errorf("redirected link: %d %q", st, b.Text("#hi"))
	}

	if r := b.PostForm("/api", map[string][]string{"x": {"1"}}); r.Status != 200 || r.Body != "ann posted 1" {
		t.Errorf("PostForm: %+v", r)
	}
	if r := b.PostForm("/submit", map[string][]string{"who": {"bob"}, "role": {"x"}}); !r.Redirected || r.URL != s.URL+"/hello?role=x" {
		t.Errorf("PostForm redirected: %+v", r)
	}

	// A page that submits a form itself.
	if st := b.Go("/self"); st != 200 {
		t.Errorf("GET /self: %d", st)
	}
	b.WaitURL(s.URL + "/hello")
	if got := b.Text("#hi"); got != "hello eve," {
		t.Errorf("after the page's own submit: %q", got)
	}
	docs := b.Documents()
	if n := len(docs); n < 2 || docs[n-2] != (Document{s.URL + "/self", 200}) || docs[n-1] != (Document{s.URL + "/hello?role=", 200}) {
		t.Errorf("Documents ends %+v", docs[max(0, n-3):])
	}

	b.Go("/")
	if f := b.Download("a#csv"); f.Name != "taps.csv" || string(f.Data) != "device,role\nbus-1,bus\n" {
		t.Errorf("Download: %q %q", f.Name, f.Data)
	}

	reqs := b.Requests()
	for _, want := range []string{s.URL + "/", s.URL + "/submit", s.URL + "/old", s.URL + "/hello?role=moved", s.URL + "/search?q=12345", s.URL + "/export.csv"} {
		if !slices.Contains(reqs, want) {
			t.Errorf("Requests lacks %s: %q", want, reqs)
		}
	}
	if h := b.History(); len(h) < 6 || h[0] != "about:blank" && h[0] != s.URL+"/" || h[len(h)-1] != s.URL+"/" {
		t.Errorf("History: %q", h)
	}
	pages := b.Pages()
	if len(pages) < 6 || pages[0].URL != s.URL+"/" || !strings.Contains(pages[0].HTML, `<h1 id="title">Сводка</h1>`) {
		t.Errorf("Pages: %d, first %+v", len(pages), pages[0])
	}
}

func TestScreenshot(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KARTA_SCREENSHOTS", dir)
	s := site(t)
	stale := filepath.Join(dir, "TestScreenshot", "07-old.png")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(stale, nil, 0o644)
	b := New(t)
	b.Go(s.URL)
	first, second := b.Screenshot("front page"), b.Screenshot("again")
	tablet := New(t, Tablet)
	tablet.Go(s.URL)
	third := tablet.Screenshot("tablet")
	if w := Eval[int](tablet, "window.innerWidth"); w != 820 {
		t.Errorf("tablet window %d wide, want 820", w)
	}
	want := []string{"01-front_page.png", "02-again.png", "03-tablet.png"}
	for i, p := range []string{first, second, third} {
		png, err := os.ReadFile(p)
		if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || filepath.Base(p) != want[i] ||
			filepath.Dir(p) != filepath.Join(dir, "TestScreenshot") {
			t.Errorf("screenshot %s: %d bytes, %v", p, len(png), err)
		}
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("an earlier run's screenshot is still there")
	}
}

// TestIn: in a subtest the Browser's screenshots go under the subtest's
// name, and back under the test's after.
func TestIn(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("KARTA_SCREENSHOTS", dir)
	s := site(t)
	b := New(t)
	b.Go(s.URL)
	t.Run("sub", func(t *testing.T) {
		defer b.In(t)()
		if p := b.Screenshot("inside"); p != filepath.Join(dir, "TestIn_sub", "01-inside.png") {
			t.Errorf("a subtest's screenshot went to %s", p)
		}
	})
	if p := b.Screenshot("after"); p != filepath.Join(dir, "TestIn", "01-after.png") {
		t.Errorf("the test's screenshot went to %s", p)
	}
}

func TestQuiet(t *testing.T) {
	out := "[1:2:1203/075237.056:ERROR:dbus/bus.cc:405] Failed to connect to the bus\n" +
		"[1:2:1203/075237.057:ERROR:gpu_init.cc:1] Passthrough is not supported\n\n" +
		"[1:1:1203/075237.836:ERROR:dbus/object_proxy.cc:572] Failed to call method\n"
	if got := quiet(out); got != "[1:2:1203/075237.057:ERROR:gpu_init.cc:1] Passthrough is not supported" {
		t.Errorf("quiet kept %q", got)
	}
}

func TestScreenshotDir(t *testing.T) {
	t.Setenv("KARTA_SCREENSHOTS", "")
	dir, err := ScreenshotDir()
	root, rerr := RepoRoot()
	if err != nil || rerr != nil || dir != filepath.Join(root, "var", "screenshots") {
		t.Fatalf("ScreenshotDir() = %q, %v; root %q, %v", dir, err, root, rerr)
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "browsertest", "doc.go")); err != nil {
		t.Errorf("%s is not this repository's root", root)
	}
}

// fatalTB records the failure a Browser method reports instead of ending
// the test.
type fatalTB struct {
	testing.TB
	msg string
}

func (f *fatalTB) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func (f *fatalTB) Skip(args ...any) {
	f.msg = "skip: " + fmt.Sprint(args...)
	runtime.Goexit()
}

// fails runs fn on a goroutine of its own and returns the failure it
// reported.
func fails(t *testing.T, b *Browser, fn func()) string {
	f := &fatalTB{TB: t}
	b.t = f
	defer func() { b.t = t }()
	done := make(chan struct{})
	go func() { defer close(done); fn() }()
	<-done
	return f.msg
}

func TestMissingElementNamesSelector(t *testing.T) {
	s := site(t)
	b := New(t, Options{ActionTimeout: 2 * time.Second})
	b.Go(s.URL)
	for name, fn := range map[string]func(){
		"Text":     func() { b.Text("table#missing") },
		"Click":    func() { b.Click("button#missing") },
		"Fill":     func() { b.Fill("input[name=missing]", "x") },
		"Download": func() { b.Download("a#missing") },
	} {
		msg := fails(t, b, fn)
		if !strings.Contains(msg, "#missing") && !strings.Contains(msg, "name=missing") {
			t.Errorf("%s: failure %q does not name the selector", name, msg)
		}
	}
}

// TestNoChromium: without Chromium a test fails in CI and skips
// elsewhere, saying how to install it; with it, the path is used.
func TestNoChromium(t *testing.T) {
	none := func(string) (string, error) { return "", exec.ErrNotFound }
	for _, tt := range []struct {
		ci, want string
	}{
		{"true", "CI must have it"},
		{"", "skip: "},
	} {
		t.Setenv("CI", tt.ci)
		f := &fatalTB{TB: t}
		done := make(chan string)
		go func() {
			defer close(done)
			done <- findChromium(f, []string{"/nonexistent/chromium"}, none)
		}()
		if p := <-done; p != "" || !strings.Contains(f.msg, tt.want) || !strings.Contains(f.msg, "bash scripts/install-deps.sh") {
			t.Errorf("CI=%q: found %q, said %q", tt.ci, p, f.msg)
		}
	}
	onPath := func(string) (string, error) { return "/opt/chromium/chromium", nil }
	if p := findChromium(t, []string{"/nonexistent/chromium"}, onPath); p != "/opt/chromium/chromium" {
		t.Errorf("chromium on PATH: %q", p)
	}
	if p := findChromium(t, []string{"/nonexistent/chromium", "browsertest.go"}, none); p != "browsertest.go" {
		t.Errorf("the second of two paths: %q", p)
	}
}

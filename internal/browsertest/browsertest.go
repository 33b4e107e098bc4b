package browsertest

import (
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"karta/internal/syncbuf"
)

// Options shape a Browser; the zero value is a desktop window.
type Options struct {
	Width, Height int           // the window; 0: 1280×900
	Timeout       time.Duration // the browser's whole life; 0: 5 minutes
	ActionTimeout time.Duration // one wait (an element, a load, a download); 0: 30 s
	// Lang is the tab's language: its Accept-Language, navigator.language
	// and Intl's formats; "": ru-RU, as the UI's users have it. Date
	// inputs keep Chromium's en-US, its only locale on Debian without
	// chromium-l10n.
	Lang string
}

// Tablet is the size of a tablet held upright.
var Tablet = Options{Width: 820, Height: 1180}

// Browser is one headless Chromium with one tab, for one test.
type Browser struct {
	// Base is prefixed to the paths given to Go and PostForm that start
	// with "/".
	Base string

	t      testing.TB
	opts   Options
	ctx    context.Context // the tab's; ends at cleanup or after Timeout
	output *syncbuf.Buffer // Chromium's stdout and stderr

	mu       sync.Mutex
	requests []string   // every URL the tab requested
	docs     []Document // every page the tab received
	pages    []Page     // the pages the actions of this package ended on
}

// Document is a page the tab received: its URL and HTTP status.
type Document struct {
	URL    string
	Status int
}

// Page is a page the Browser showed: its URL and HTML.
type Page struct {
	URL, HTML string
}

// New starts Chromium for t (at most one Options) and closes it at
// cleanup. Without Chromium it fails in CI and skips elsewhere.
func New(t testing.TB, opts ...Options) *Browser {
	t.Helper()
	o := Options{}
	if len(opts) > 0 {
		o = opts[0]
	}
	o = o.withDefaults()
	b := &Browser{t: t, opts: o, output: &syncbuf.Buffer{}}
	root, cancelRoot := context.WithTimeout(context.Background(), o.Timeout)
	alloc, cancelAlloc := chromedp.NewExecAllocator(root, allocatorOptions(execPath(t), t.TempDir(), o, b.output)...)
	tab, cancelTab := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelRoot()
		if out := quiet(b.output.String()); t.Failed() && out != "" {
			t.Logf("browsertest: Chromium's output:\n%s", tail(out, 4000))
		}
	})
	b.ctx = tab
	if err := chromedp.Do(tab); err != nil { // starts Chromium, opens the tab
		t.Fatalf("browsertest: starting Chromium: %v\n%s", err, tail(quiet(b.output.String()), 4000))
	}
	if err := speak(tab, o.Lang); err != nil {
		t.Fatalf("browsertest: the tab's language: %v", err)
	}
	if err := chromedp.Listen(tab, b.record); err != nil {
		t.Fatalf("browsertest: listening to the tab: %v", err)
	}
	return b
}

func (o Options) withDefaults() Options {
	if o.Width == 0 || o.Height == 0 {
		o.Width, o.Height = 1280, 900
	}
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Minute
	}
	if o.ActionTimeout == 0 {
		o.ActionTimeout = 30 * time.Second
	}
	if o.Lang == "" {
		o.Lang = "ru-RU"
	}
	return o
}

// speak makes the tab's language lang. Debian's chromium carries only the
// en-US locale (chromium-l10n has the others), so this is emulated.
func speak(tab context.Context, lang string) error {
	v, err := chromedp.CallBrowser(tab, browser.GetVersion, cdp.Empty{})
	if err == nil {
		_, err = chromedp.Call(tab, emulation.SetUserAgentOverride, emulation.SetUserAgentOverrideParams{
			UserAgent: v.UserAgent, AcceptLanguage: lang})
	}
	if err == nil {
		_, err = chromedp.Call(tab, emulation.SetLocaleOverride, emulation.SetLocaleOverrideParams{
			Locale: strings.ReplaceAll(lang, "-", "_")})
	}
	return err
}

// allocatorOptions are chromedp's defaults and the flags Chromium needs on
// this machine: no sandbox (root in a container), no GPU, no QUIC, nothing
// that phones home.
func allocatorOptions(exe, profile string, o Options, out *syncbuf.Buffer) []chromedp.ExecAllocatorOption {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(o.Width, o.Height),
		chromedp.CombinedOutput(out),
	)
	return opts
}

// execPath finds Chromium, or ends the test: a failure in CI, a skip
// elsewhere.
func execPath(t testing.TB) string {
	t.Helper()
	return findChromium(t, []string{"/usr/bin/chromium"}, exec.LookPath)
}

// findChromium returns the first of paths that exists, else what
// lookPath finds for "chromium", else ends the test.
func findChromium(t testing.TB, paths []string, lookPath func(string) (string, error)) string {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := lookPath("chromium"); err == nil {
		return p
	}
	const why = "browsertest: Chromium is not installed (no /usr/bin/chromium, no chromium on PATH); install it with: bash scripts/install-deps.sh"
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s — CI must have it", why)
	}
	t.Skip(why)
	return ""
}

// record keeps the URL of every request of the tab and the status of
// every page. It runs in the tab's event loop: it only appends.
func (b *Browser) record(ev any) {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		b.requests = append(b.requests, ev.Request.URL+ev.Request.URLFragment)
	case *network.EventResponseReceived:
		if ev.Type == network.ResourceTypeDocument {
			b.docs = append(b.docs, Document{URL: ev.Response.URL, Status: int(ev.Response.Status)})
		}
	}
}

// Documents returns every page the tab received so far, with its status,
// whoever navigated: the test, a link, a form a page submitted itself.
func (b *Browser) Documents() []Document {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Document(nil), b.docs...)
}

// Requests returns the URL of every request the tab made so far: pages,
// redirects, assets, form posts (without their bodies).
func (b *Browser) Requests() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.requests...)
}

// Pages returns the pages the actions of this package ended on, in order.
func (b *Browser) Pages() []Page {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]Page(nil), b.pages...)
}

// In makes b report to t — a subtest of b's test — until the returned
// func is called: its failures end t, its screenshots go under t's name.
//
//	t.Run("filter", func(t *testing.T) {
//		defer b.In(t)()
//		…
//	})
func (b *Browser) In(t testing.TB) (restore func()) {
	prev := b.t
	b.t = t
	return func() { b.t = prev }
}

// Context returns the tab's context, for chromedp actions the helpers do
// not cover.
func (b *Browser) Context() context.Context { return b.ctx }

// quiet drops Chromium's complaints that this machine has no D-Bus: it
// needs none, and they would hide what matters.
func quiet(out string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if l != "" && !strings.Contains(l, ":ERROR:dbus/") {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}

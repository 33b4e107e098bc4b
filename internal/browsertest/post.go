package browsertest

import (
	"context"
	"net/url"

	"github.com/chromedp/chromedp"
)

// Response is what a request from the page got.
type Response struct {
	Status     int    // of the last response
	URL        string // of the last response
	Redirected bool   // the answer was a redirect, followed to URL
	Body       string
}

// PostForm posts form to path (on Base) from the page shown now, with its
// cookies, as a script of the page would (fetch, following redirects),
// and returns the answer. The page's origin goes with it.
func (b *Browser) PostForm(path string, form url.Values) Response {
	b.t.Helper()
	script := `fetch(` + quote(b.URL(path)) + `, {method: "POST", credentials: "include",
		headers: {"Content-Type": "application/x-www-form-urlencoded"}, body: ` + quote(form.Encode()) + `})
		.then(async r => ({Status: r.status, URL: r.url, Redirected: r.redirected, Body: await r.text()}))`
	var r Response
	err := b.action(func(ctx context.Context) error {
		var err error
		r, err = chromedp.Run(ctx, chromedp.Evaluate[Response](script, chromedp.EvalAwaitPromise))
		return err
	})
	if err != nil {
		b.t.Fatalf("browsertest: POST %s: %v", path, err)
	}
	return r
}

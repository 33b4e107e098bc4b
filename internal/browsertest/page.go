package browsertest

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// action runs fn with the deadline of one action.
func (b *Browser) action(fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(b.ctx, b.opts.ActionTimeout)
	defer cancel()
	return fn(ctx)
}

// URL makes path absolute on Base; a full URL stays as it is.
func (b *Browser) URL(path string) string {
	if strings.HasPrefix(path, "/") {
		return strings.TrimSuffix(b.Base, "/") + path
	}
	return path
}

// Go opens path (on Base) or a full URL, waits for it to load and returns
// its HTTP status.
func (b *Browser) Go(path string) int {
	b.t.Helper()
	var status int64
	err := b.action(func(ctx context.Context) error {
		res, err := chromedp.Run(ctx, chromedp.NavigateResponse(b.URL(path)))
		if res != nil {
			status = res.Status
		}
		return err
	})
	if err != nil {
		b.t.Fatalf("browsertest: opening %s: %v", path, err)
	}
	b.keepPage()
	return int(status)
}

// Click clicks the first element sel matches, waits for the page it leads
// to and returns that page's HTTP status.
func (b *Browser) Click(sel string) int {
	b.t.Helper()
	b.WaitFor(sel)
	var status int64
	err := b.action(func(ctx context.Context) error {
		res, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel), chromedp.NodeVisible))
		if res != nil {
			status = res.Status
		}
		return err
	})
	if err != nil {
		b.t.Fatalf("browsertest: clicking %q on %s: %v", sel, b.Location(), err)
	}
	b.keepPage()
	return int(status)
}

// Fill sets the value of the input, select or textarea sel matches, as a
// script would (no key events).
func (b *Browser) Fill(sel, value string) {
	b.t.Helper()
	b.WaitFor(sel)
	if err := b.action(func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.SetValue(chromedp.CSS(sel), value))
	}); err != nil {
		b.t.Fatalf("browsertest: filling %q: %v", sel, err)
	}
}

// Type focuses the element sel matches, empties it and types text into
// it key by key, as a person would.
func (b *Browser) Type(sel, text string) {
	b.t.Helper()
	b.WaitFor(sel)
	if err := b.action(func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.Clear(chromedp.CSS(sel)), chromedp.SendKeys(chromedp.CSS(sel), text))
	}); err != nil {
		b.t.Fatalf("browsertest: typing into %q: %v", sel, err)
	}
}

// WaitFor waits until sel matches an element of the page, or fails the
// test naming sel.
func (b *Browser) WaitFor(sel string) {
	b.t.Helper()
	if err := b.action(func(ctx context.Context) error {
		return chromedp.Do(ctx, chromedp.WaitReady(chromedp.CSS(sel)))
	}); err != nil {
		b.t.Fatalf("browsertest: no element matches %q on %s: %v", sel, b.Location(), err)
	}
}

// WaitURL waits until the page shown has a URL that starts with prefix
// and has loaded, as after a page submitted a form itself.
func (b *Browser) WaitURL(prefix string) {
	b.t.Helper()
	script := `document.location.href.startsWith(` + quote(prefix) + `) && document.readyState == "complete"`
	if err := b.action(func(ctx context.Context) error {
		for {
			// Between two documents the script has no context to run in:
			// an error then is no answer.
			if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](script)); err == nil && ok {
				return nil
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(20 * time.Millisecond):
			}
		}
	}); err != nil {
		b.t.Fatalf("browsertest: the page never got to %s (it is at %s): %v", prefix, b.Location(), err)
	}
	b.keepPage()
}

// Text returns the rendered text of the first element sel matches,
// waiting for it.
func (b *Browser) Text(sel string) string {
	b.t.Helper()
	b.WaitFor(sel)
	return Eval[string](b, `document.querySelector(`+quote(sel)+`).innerText`)
}

// Texts returns the rendered text of every element sel matches, now.
func (b *Browser) Texts(sel string) []string {
	b.t.Helper()
	return Eval[[]string](b, `Array.from(document.querySelectorAll(`+quote(sel)+`), e => e.innerText)`)
}

// Rows returns, for every element sel matches now (table rows), the text
// of its cells (td and th).
func (b *Browser) Rows(sel string) [][]string {
	b.t.Helper()
	return Eval[[][]string](b, `Array.from(document.querySelectorAll(`+quote(sel)+`),
		r => Array.from(r.querySelectorAll(":scope > td, :scope > th"), c => c.innerText.trim()))`)
}

// Count returns how many elements sel matches now.
func (b *Browser) Count(sel string) int {
	b.t.Helper()
	return Eval[int](b, `document.querySelectorAll(`+quote(sel)+`).length`)
}

// Attr returns an attribute of the first element sel matches, waiting for
// it; ok is false when the element lacks it.
func (b *Browser) Attr(sel, name string) (value string, ok bool) {
	b.t.Helper()
	b.WaitFor(sel)
	v := Eval[*string](b, `document.querySelector(`+quote(sel)+`).getAttribute(`+quote(name)+`)`)
	if v == nil {
		return "", false
	}
	return *v, true
}

// Location returns the URL of the page shown now.
func (b *Browser) Location() string {
	b.t.Helper()
	return Eval[string](b, `document.location.href`)
}

// History returns the URLs of the tab's navigation history, oldest first.
func (b *Browser) History() []string {
	b.t.Helper()
	var urls []string
	err := b.action(func(ctx context.Context) error {
		h, err := chromedp.Run(ctx, chromedp.NavigationEntries())
		for _, e := range h.Entries {
			urls = append(urls, e.URL)
		}
		return err
	})
	if err != nil {
		b.t.Fatalf("browsertest: history: %v", err)
	}
	return urls
}

// HTML returns the HTML of the page shown now.
func (b *Browser) HTML() string {
	b.t.Helper()
	return Eval[string](b, `document.documentElement.outerHTML`)
}

// keepPage remembers the page shown now for Pages.
func (b *Browser) keepPage() {
	b.t.Helper()
	p := Eval[Page](b, `({URL: document.location.href, HTML: document.documentElement.outerHTML})`)
	b.mu.Lock()
	b.pages = append(b.pages, p)
	b.mu.Unlock()
}

// Eval evaluates a script in the page shown now and decodes its result
// into T.
func Eval[T any](b *Browser, script string) T {
	b.t.Helper()
	var v T
	err := b.action(func(ctx context.Context) error {
		var err error
		v, err = chromedp.Run(ctx, chromedp.Evaluate[T](script))
		return err
	})
	if err != nil {
		b.t.Fatalf("browsertest: %s: %v", script, err)
	}
	return v
}

// quote makes s a JavaScript string literal.
func quote(s string) string {
	q, _ := json.Marshal(s) // a string always marshals
	return string(q)
}

// Package browsertest drives Debian's Chromium, headless, through chromedp
// for tests of central's ops web UI.
//
// A test gets a Browser from New: one Chromium process with a fresh
// profile in t.TempDir(), one tab speaking ru-RU, a 1280×900 window
// (Tablet for 820×1180), closed at cleanup. Every method waits for what
// it needs — an element, a page load, a finished download, a page that
// submits itself — up to a deadline (Options.ActionTimeout), never for a
// fixed time, and fails the test naming the selector it waited for. The
// whole browser lives at most Options.Timeout.
//
// The helpers are what UI tests repeat: Go to a path on Base, Fill or
// Type into a field, Click what navigates (its page's status back),
// Text, Texts, Rows of a table, Count, Attr, Location, HTML, Eval for
// anything else, Download a link's attachment, PostForm from the page
// with its cookies (a direct POST, as a script would send it).
//
// The Browser remembers what a privacy check needs: every URL the tab
// requested (Requests), its History, every page it received with its
// status (Documents, also those a page's own form led to) and the HTML
// of every page an action of this package ended on (Pages). Screenshot
// keeps full-page PNGs under var/screenshots/<TestName>/ at the
// repository root, or under $KARTA_SCREENSHOTS/<TestName>/.
//
// Chromium is /usr/bin/chromium or chromium on PATH (Debian package
// chromium; bash scripts/install-deps.sh installs it). Without it New
// fails the test in CI (CI=true) and skips it elsewhere, saying so.
//
// Caveats: a Browser belongs to one test goroutine (its methods call
// t.Fatal); in a subtest, bind it with defer b.In(t)(). Click waits for a
// page load, so use it only on what navigates; Download on links that
// answer with an attachment. Debian's Chromium has only the en-US locale,
// so date inputs show US formats whatever Lang is.
package browsertest

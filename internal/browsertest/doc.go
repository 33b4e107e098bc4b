// Package browsertest drives Debian's Chromium, headless, through chromedp
// for tests of central's ops web UI.
//
// A test gets a Browser from New: one Chromium process with a fresh
// profile in t.TempDir(), one tab, a 1280×900 window (Tablet for 820×1180),
// closed at cleanup. Every method waits for what it needs — an element, a
// page load, a finished download — up to a deadline (ActionTimeout), never
// for a fixed time, and fails the test naming the selector it waited for.
// The whole browser lives at most Options.Timeout.
//
// The Browser remembers what a privacy check needs: every URL the tab
// requested (Requests) and the HTML of every page it showed after an
// action of this package (Pages). Screenshot keeps full-page PNGs under
// var/screenshots/<TestName>/ at the repository root, or under
// $KARTA_SCREENSHOTS/<TestName>/.
//
// Chromium is /usr/bin/chromium or chromium on PATH (Debian package
// chromium; bash scripts/install-deps.sh installs it). Without it New
// fails the test in CI (CI=true) and skips it elsewhere, saying so.
//
// Caveats: a Browser belongs to one test goroutine (its methods call
// t.Fatal). Click waits for a page load, so use it only on what navigates;
// Download for links that answer with an attachment.
package browsertest

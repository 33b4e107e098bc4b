// Package web is karta-central's ops UI: server-rendered HTML pages for
// the people who run the region's card system, beside the JSON API on
// the same listener. No script runs in the browser; the style sheet and
// the templates are embedded in the binary; the one chart is SVG drawn
// on the server.
//
//	GET  /                      overview: devices online and offline, sync backlog, open alerts, taps per hour (24 h)
//	GET  /taps[.csv]            taps filtered by time, device, route, school, role, decision, reason, card; paged; CSV
//	POST /taps/lookup           a card number → its token → 303 /taps?token=…
//	GET  /devices[/{id}]        health, versions, lists, clock skew, backlog, readers, commands, taps
//	POST /devices/{id}/command  a signed resync or selftest (technician)
//	GET  /lists                 list versions, sizes, changes, which devices run which
//	GET  /reports/rides[.csv]   privileged rides per month, route, category (carrier compensation)
//	GET  /reports/meals[.csv]   meals per day, school, category (education ministry)
//	GET  /alerts, POST /alerts/{id}/resolve (technician)
//	GET  /users, POST /users, POST /users/{name}/disable|enable|role (admin)
//	GET  /login, POST /login, POST /logout, GET /lang?to=en&back=PATH
//
// # People, roles, sessions
//
// Users (karta-central user add, or an admin on /users) have one of
// three roles, each allowed what the one before is and more: a viewer
// reads every page and may look a card up; a technician also sends
// device commands and resolves alerts; an admin also manages users.
// Passwords are kept as PBKDF2-SHA256 hashes (package password). A login
// makes a session: 32 random bytes in an HttpOnly, SameSite=Strict
// cookie, of which the database keeps only the SHA-256, with a CSRF token
// of its own. A session ends at logout, after IdleTimeout without a
// request, and AbsoluteTimeout after login. After five failed logins in a
// row each further attempt of that user waits longer, up to 15 minutes.
//
// Every POST carries the session's CSRF token in a form field (compared
// in constant time) and, when the browser sends an Origin, must come from
// this host; else 403 and nothing changes. Browsers hide the origin of
// our own forms ("Origin: null") under our Referrer-Policy no-referrer;
// then Sec-Fetch-Site must say same-origin. The login form has its own
// token in a short-lived cookie, since there is no session yet.
//
// # Language and time
//
// Russian by default, English on request (a cookie); every word on a
// page comes from the catalog in i18n.go. Times are shown, and typed, in
// the region's zone (Options.Location, Europe/Kaliningrad).
//
// # Caveats
//
//   - A card number typed for a lookup lives only in the request: it is
//     checked (13-19 digits, Luhn), tokenized, and dropped. It is never
//     logged, stored, shown — not even back in its input after an error
//     — nor put in a URL; the page that follows names the token.
//   - Pages never count all taps: a page asks for one tap more than it
//     shows to know whether there is a next one, and a CSV export stops
//     at 200,000 taps. The chart and the reports read the store's
//     aggregates.
//   - Every answer carries a strict Content-Security-Policy (no inline
//     script or style), nosniff and no-referrer; pages are not cached.
//   - Sessions and failed-login counts live in the database, so any
//     instance of central serves any browser.
//   - Behind a reverse proxy, keep the Host header (nginx:
//     proxy_set_header Host $host): a POST whose Origin is not the Host
//     it reaches is refused as cross-site.
package web

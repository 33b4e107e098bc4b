package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"karta/central/store"
)

// Paging of taps: a page shows pageSize and asks for one more to learn
// whether a next page exists; nothing counts all the taps. A CSV export
// holds at most csvMax taps, read csvPage at a time.
const (
	pageSize = 50
	csvPage  = 5000
	csvMax   = 200_000
)

// tapFilter is what form#tap-filters selects, as typed.
type tapFilter struct {
	FromText, ToText                    string // datetime-local, in the region's zone
	Device, Route, School, Role, Reason string
	Decision                            string // "", "allowed" or "denied"
	Token                               string // a card, after a lookup
	Page                                int    // from 1
	from, to                            time.Time
}

// datetime-local inputs send minutes, or seconds when set so.
var localLayouts = []string{"2006-01-02T15:04", "2006-01-02T15:04:05"}

// parseTapFilter reads the filters; a malformed one is an error naming
// it (a catalog text in lang).
func (s *server) parseTapFilter(v url.Values, lang string) (tapFilter, string) {
	f := tapFilter{FromText: v.Get("from"), ToText: v.Get("to"), Device: v.Get("device"), Route: v.Get("route"),
		School: v.Get("school"), Role: v.Get("role"), Reason: v.Get("reason"), Decision: v.Get("decision"),
		Token: v.Get("token"), Page: 1}
	bad := func(label, why string) (tapFilter, string) {
		return f, tr(lang, "taps.bad_filter", tr(lang, label), tr(lang, why))
	}
	var ok bool
	if f.from, ok = s.parseLocal(f.FromText); !ok {
		return bad("taps.from", "taps.bad_time")
	}
	if f.to, ok = s.parseLocal(f.ToText); !ok {
		return bad("taps.to", "taps.bad_time")
	}
	if f.Role != "" && !slices.Contains(deviceRoles, f.Role) {
		return bad("col.role", "taps.bad_choice")
	}
	if f.Decision != "" && f.Decision != "allowed" && f.Decision != "denied" {
		return bad("col.decision", "taps.bad_choice")
	}
	if p := v.Get("page"); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > store.MaxLimit {
			return bad("taps.page", "taps.bad_page")
		}
		f.Page = n
	}
	return f, ""
}

// parseLocal reads a datetime-local value in the region's zone; "" is
// the zero time.
func (s *server) parseLocal(v string) (time.Time, bool) {
	if v == "" {
		return time.Time{}, true
	}
	for _, layout := range localLayouts {
		if t, err := time.ParseInLocation(layout, v, s.Location); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

func (f *tapFilter) query() store.TapQuery {
	q := store.TapQuery{Device: f.Device, Route: f.Route, School: f.School, Role: f.Role, Reason: f.Reason,
		Token: f.Token, From: f.from, To: f.to}
	if f.Decision != "" {
		allowed := f.Decision == "allowed"
		q.Allowed = &allowed
	}
	return q
}

// values are the filters as a query string, for links: page 0 leaves the
// page out.
func (f *tapFilter) values(page int) url.Values {
	v := url.Values{}
	for _, kv := range [][2]string{{"from", f.FromText}, {"to", f.ToText}, {"device", f.Device}, {"route", f.Route},
		{"school", f.School}, {"role", f.Role}, {"decision", f.Decision}, {"reason", f.Reason}, {"token", f.Token}} {
		if kv[1] != "" {
			v.Set(kv[0], kv[1])
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return v
}

func link(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}

type tapsData struct {
	F          tapFilter
	Taps       []store.StoredTap
	Page       int
	Prev, Next string
	CSV        string
	Lookup     bool
	Devices    []string
}

// OtherReason says whether the reason filter is a code the select does
// not offer (a link from elsewhere, a newer agent's code): it is added.
func (d tapsData) OtherReason() bool {
	return d.F.Reason != "" && !slices.Contains(tapReasons, d.F.Reason)
}

// taps is GET /taps: a page of the taps the filters select, newest first.
func (s *server) taps(w http.ResponseWriter, r *http.Request, c *call) {
	f, bad := s.parseTapFilter(r.URL.Query(), c.lang)
	s.showTaps(w, r, c, f, bad)
}

// showTaps renders the taps page; with errMsg it shows the error and no
// taps, with status 400.
func (s *server) showTaps(w http.ResponseWriter, r *http.Request, c *call, f tapFilter, errMsg string) {
	d := tapsData{F: f, Page: f.Page, Lookup: s.Tokenize != nil, CSV: link("/taps.csv", f.values(0))}
	code := http.StatusOK
	if errMsg != "" {
		code = http.StatusBadRequest
	} else {
		q := f.query()
		q.Limit, q.Offset = pageSize+1, (f.Page-1)*pageSize
		ts, err := s.Store.Taps(r.Context(), q)
		if err != nil {
			s.Log.Error("web: taps", "err", err)
			s.fail(w, c, http.StatusInternalServerError, "error.internal")
			return
		}
		if len(ts) > pageSize {
			ts, d.Next = ts[:pageSize], link("/taps", f.values(f.Page+1))
		}
		if f.Page > 1 {
			d.Prev = link("/taps", f.values(f.Page-1))
		}
		d.Taps = ts
	}
	if ds, err := s.Store.Devices(r.Context()); err == nil {
		for _, dv := range ds {
			d.Devices = append(d.Devices, dv.ID)
		}
	}
	s.render(w, c, code, "taps", view{Title: "title.taps", Nav: "taps", Error: errMsg, D: d})
}

var tapsCSVHeader = []string{"time", "device", "seq", "role", "allowed", "reason", "product", "fare_kopecks", "token",
	"par_token", "scheme", "reader", "list", "list_version", "clock", "flags", "received"}

// tapsCSV is GET /taps.csv: every tap the filters select (up to csvMax),
// newest first, times in the region's zone (RFC 3339 with its offset).
func (s *server) tapsCSV(w http.ResponseWriter, r *http.Request, c *call) {
	f, bad := s.parseTapFilter(r.URL.Query(), c.lang)
	if bad != "" {
		http.Error(w, bad, http.StatusBadRequest)
		return
	}
	ex := &export{q: f.query(), page: s.csvPage}
	ts, err := s.Store.Taps(r.Context(), ex.next())
	if err != nil {
		s.Log.Error("web: taps csv", "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	cw := newCSV(w, "taps.csv", tapsCSVHeader...)
	for {
		for _, t := range ex.take(ts) {
			cw.row(s.tapCells(t)...)
		}
		if ex.done(ts) {
			break
		}
		if ts, err = s.Store.Taps(r.Context(), ex.next()); err != nil {
			s.Log.Error("web: taps csv cut short", "err", err, "rows", ex.n)
			break
		}
	}
	cw.flush()
}

// export pages through the taps of a query by time, not by offset, so
// that the thousandth page costs what the first does: each page asks for
// the taps up to the last one written, that one's microsecond included
// (others may share it), and skips the ones of that microsecond written
// already — the first of the page, as taps are ordered newest first, then
// by device and seq.
type export struct {
	q      store.TapQuery
	page   int
	n      int       // taps written
	last   time.Time // the time of the last tap written
	atLast int       // taps written with that time
}

func (ex *export) next() store.TapQuery {
	q := ex.q
	q.Limit = ex.page
	if !ex.last.IsZero() {
		q.To, q.Offset = ex.last.Add(time.Microsecond), ex.atLast
	}
	return q
}

// take returns the taps of a page to write, up to csvMax in all.
func (ex *export) take(ts []store.StoredTap) []store.StoredTap {
	ts = ts[:min(len(ts), csvMax-ex.n)]
	for _, t := range ts {
		if !t.Time.Equal(ex.last) {
			ex.last, ex.atLast = t.Time, 0
		}
		ex.atLast++
	}
	ex.n += len(ts)
	return ts
}

// done says whether the page ts was the last: short, or the export full.
func (ex *export) done(ts []store.StoredTap) bool { return len(ts) < ex.page || ex.n >= csvMax }

func (s *server) tapCells(t store.StoredTap) []string {
	flags := strings.Join(t.Flags, " ")
	return []string{t.Time.In(s.Location).Format(time.RFC3339), t.Device, strconv.FormatUint(t.Seq, 10), t.Role,
		strconv.FormatBool(t.Allowed), t.Reason, t.Product, strconv.Itoa(t.Fare), t.Token, t.PARToken, t.Scheme,
		t.Reader, t.List, strconv.FormatUint(t.ListVersion, 10), t.Clock, flags, t.Received.In(s.Location).Format(time.RFC3339)}
}

// lookup is POST /taps/lookup: the typed card number becomes its token
// and is dropped; the browser goes on to that card's taps. The number is
// never logged, stored, shown or put in a URL — not even when malformed.
func (s *server) lookup(w http.ResponseWriter, r *http.Request, c *call) {
	typed := r.PostForm.Get("pan")
	r.PostForm.Del("pan")
	r.Form.Del("pan")
	if s.Tokenize == nil {
		s.showTaps(w, r, c, tapFilter{Page: 1}, c.tf("pan.off"))
		return
	}
	pan, err := normalizePAN(typed)
	if err != nil {
		s.showTaps(w, r, c, tapFilter{Page: 1}, c.tf("pan.malformed"))
		return
	}
	tok, err := s.Tokenize(string(pan))
	clear(pan)
	if err != nil {
		s.Log.Error("web: card lookup: no token") // the error may quote its input
		s.showTaps(w, r, c, tapFilter{Page: 1}, c.tf("pan.failed"))
		return
	}
	s.Log.Info("web: card lookup", "user", c.sess.User, "token", tok)
	http.Redirect(w, r, link("/taps", url.Values{"token": {tok}}), http.StatusSeeOther)
}

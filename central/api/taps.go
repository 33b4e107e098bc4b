package api

import (
	"encoding/csv"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"karta/central/store"
)

// taps answers a page of taps as JSON, or as CSV with ?format=csv.
func (s *server) taps(w http.ResponseWriter, r *http.Request) {
	q, format, err := tapQuery(r.URL.Query())
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	ts, err := s.Store.Taps(r.Context(), q)
	if err != nil || format != "csv" {
		s.answer(w, tapViews(ts), err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="taps.csv"`)
	writeCSV(w, tapViews(ts))
}

// tapQuery reads the filters; an unknown or malformed parameter is an
// error naming it.
func tapQuery(v url.Values) (store.TapQuery, string, error) {
	var q store.TapQuery
	format := "json"
	for key, vals := range v {
		val := vals[len(vals)-1]
		var err error
		switch key {
		case "device":
			q.Device = val
		case "token":
			q.Token = val
		case "role":
			q.Role = val
		case "reason":
			q.Reason = val
		case "route":
			q.Route = val
		case "school":
			q.School = val
		case "allowed":
			var b bool
			b, err = strconv.ParseBool(val)
			q.Allowed = &b
		case "from":
			q.From, err = time.Parse(time.RFC3339, val)
		case "to":
			q.To, err = time.Parse(time.RFC3339, val)
		case "limit":
			q.Limit, err = nonNegative(val)
		case "offset":
			q.Offset, err = nonNegative(val)
		case "format":
			format = val
			if val != "json" && val != "csv" {
				err = fmt.Errorf("json or csv")
			}
		default:
			return q, "", fmt.Errorf("api: unknown parameter %q", key)
		}
		if err != nil {
			return q, "", fmt.Errorf("api: parameter %s=%q: %v", key, val, err)
		}
	}
	return q, format, nil
}

func nonNegative(s string) (int, error) {
	n, err := strconv.Atoi(s)
	if err == nil && n < 0 {
		err = fmt.Errorf("negative")
	}
	return n, err
}

var csvHeader = []string{"device", "seq", "boot", "time", "received", "clock", "reader", "role", "token", "par_token",
	"scheme", "allowed", "reason", "product", "fare", "list", "list_version", "flags", "latency_us"}

func writeCSV(w http.ResponseWriter, ts []tapView) {
	c := csv.NewWriter(w)
	c.Write(csvHeader)
	for _, t := range ts {
		c.Write(csvRow(&t))
	}
	c.Flush()
}

// csvRow is a tap's CSV row, in csvHeader's order, formulas defused.
func csvRow(t *tapView) []string {
	return cells(t.Device, u(t.Seq), u(uint64(t.Boot)), t.Time.Format(time.RFC3339Nano), t.Received.Format(time.RFC3339Nano),
		t.Clock, t.Reader, t.Role, t.Token, t.PARToken, t.Scheme, strconv.FormatBool(t.Allowed), t.Reason, t.Product,
		strconv.Itoa(t.Fare), t.List, u(t.ListVersion), strings.Join(t.Flags, " "), strconv.FormatInt(t.LatencyUS, 10))
}

// cells defuses what a spreadsheet would run as a formula: a device names
// its own reasons and readers, and a hostile one could send "=HYPERLINK(…)".
func cells(vs ...string) []string {
	for i, v := range vs {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			vs[i] = "'" + v
		}
	}
	return vs
}

func u(n uint64) string { return strconv.FormatUint(n, 10) }

package api

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"net/http"

	"karta/central/store"
)

// exportTaps streams every tap of a period to the regional system, oldest
// first by device time, device and seq, as JSON lines (one tap object a
// line, application/x-ndjson) or with ?format=csv as CSV. It takes the
// filters of /api/v1/taps; from and to are required, and there are no
// pages. The store walks by key, so memory stays constant however long
// the period; a failure after the first tap aborts the response, so the
// client sees a broken transfer rather than a short export.
func (s *server) exportTaps(w http.ResponseWriter, r *http.Request) {
	q, err := exportQuery(r)
	if err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	out := newTapWriter(w, q.csv)
	err = s.Reports.EachTap(r.Context(), q.TapQuery, func(t store.StoredTap) error {
		return out.write(&tapViews([]store.StoredTap{t})[0])
	})
	switch {
	case err == nil:
		out.finish()
	case !out.started:
		s.answer(w, nil, err)
	default:
		s.Log.Error("api: tap export broken off", "err", err)
		panic(http.ErrAbortHandler) // net/http aborts the response
	}
}

type exportParams struct {
	store.TapQuery
	csv bool
}

func exportQuery(r *http.Request) (exportParams, error) {
	v := r.URL.Query()
	if v.Has("limit") || v.Has("offset") {
		return exportParams{}, errors.New("api: the export has no pages: limit and offset are not taken")
	}
	q, format, err := tapQuery(v)
	if err != nil {
		return exportParams{}, err
	}
	if q.From.IsZero() || q.To.IsZero() || !q.From.Before(q.To) {
		return exportParams{}, errors.New("api: the export needs from and to (RFC 3339), from before to")
	}
	return exportParams{TapQuery: q, csv: format == "csv"}, nil
}

// tapWriter writes the export's taps, starting the response at the first.
type tapWriter struct {
	w       http.ResponseWriter
	asCSV   bool
	started bool
	c       *csv.Writer
	j       *json.Encoder
	n       int
}

func newTapWriter(w http.ResponseWriter, asCSV bool) *tapWriter {
	return &tapWriter{w: w, asCSV: asCSV}
}

func (t *tapWriter) start() {
	t.started = true
	if t.asCSV {
		t.c = startCSV(t.w, "taps.csv", csvHeader...)
		return
	}
	t.w.Header().Set("Content-Type", "application/x-ndjson")
	t.j = json.NewEncoder(t.w)
}

// flushEvery is how many taps go out between flushes of a CSV export.
const flushEvery = 1000

func (t *tapWriter) write(v *tapView) error {
	if !t.started {
		t.start()
	}
	if t.j != nil {
		return t.j.Encode(v)
	}
	t.c.Write(csvRow(v))
	if t.n++; t.n%flushEvery == 0 {
		t.c.Flush()
	}
	return t.c.Error()
}

func (t *tapWriter) finish() {
	if !t.started {
		t.start()
	}
	if t.c != nil {
		t.c.Flush()
	}
}

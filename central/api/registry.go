package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strconv"

	"karta/central/registry"
	"karta/offline"
)

// Bounds of a registry upload.
const (
	// DefaultMaxRegistryBytes bounds an upload's body when
	// Options.MaxRegistryBytes is 0: a region's registry of a million cards
	// is about 100 MB of CSV.
	DefaultMaxRegistryBytes = 256 << 20
	// maxShownRows is how many bad rows a 400 lists.
	maxShownRows = 20
	// defaultMaxDelete is the share of the stored cards a full upload may
	// delete, as karta-central import's --max-delete.
	defaultMaxDelete = 10
)

// registryAnswer is what an accepted upload did.
type registryAnswer struct {
	Rows    int  `json:"rows"`
	Stored  int  `json:"stored"`
	Deleted int  `json:"deleted"`
	Partial bool `json:"partial"`
}

// uploadRegistry takes the regional system's registry export in the
// body, as karta-central import takes a file: card numbers are tokenized
// as they are read and dropped; a full upload (the default) also deletes
// the cards the export lacks, within max_delete. It is all or nothing:
// any bad row, or too many deletions, and nothing is stored.
func (s *server) uploadRegistry(w http.ResponseWriter, r *http.Request) {
	if s.TokenKey == nil {
		fail(w, http.StatusServiceUnavailable, "central has no token key (karta-central serve --token-key): it cannot tokenize card numbers, so it takes no registry")
		return
	}
	o, err := uploadParams(r)
	if err != nil {
		fail(w, o.code, err.Error())
		return
	}
	body := http.MaxBytesReader(w, r.Body, s.maxRegistry())
	entries, rows, code, err := s.readRegistry(body, o.format)
	if err != nil {
		failRows(w, code, err)
		return
	}
	s.applyRegistry(w, r, o, entries, rows)
}

type upload struct {
	format    string
	partial   bool
	maxDelete float64
	code      int // the status of a refusal
}

// uploadParams reads ?partial and ?max_delete, and the format from the
// Content-Type.
func uploadParams(r *http.Request) (upload, error) {
	o := upload{maxDelete: defaultMaxDelete, code: http.StatusBadRequest}
	if err := uploadQuery(r.URL.Query(), &o); err != nil {
		return o, err
	}
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case err != nil:
		o.code = http.StatusUnsupportedMediaType
		return o, errors.New("api: the upload needs a Content-Type: text/csv or application/x-ndjson")
	case ct == "text/csv":
		o.format = "csv"
	case ct == "application/x-ndjson" || ct == "application/jsonl" || ct == "application/x-jsonlines":
		o.format = "jsonl"
	default:
		o.code = http.StatusUnsupportedMediaType
		return o, fmt.Errorf("api: Content-Type %q: want text/csv or application/x-ndjson", ct)
	}
	return o, nil
}

func uploadQuery(v url.Values, o *upload) error {
	for key, vals := range v {
		val := vals[len(vals)-1]
		var err error
		switch key {
		case "partial":
			o.partial, err = strconv.ParseBool(val)
		case "max_delete":
			o.maxDelete, err = strconv.ParseFloat(val, 64)
			if err == nil && !(o.maxDelete >= 0 && o.maxDelete <= 100) {
				err = errors.New("a percent from 0 to 100")
			}
		default:
			return fmt.Errorf("api: unknown parameter %q", key)
		}
		if err != nil {
			return fmt.Errorf("api: parameter %s=%q: %v", key, val, err)
		}
	}
	if o.partial && v.Has("max_delete") {
		return errors.New("api: partial deletes nothing: max_delete does not go with it")
	}
	return nil
}

func (s *server) maxRegistry() int64 {
	if s.MaxRegistryBytes > 0 {
		return s.MaxRegistryBytes
	}
	return DefaultMaxRegistryBytes
}

// badRows is a refused upload's bad rows: how many, and the first few
// (each a line number and why, never a value).
type badRows struct {
	n     int
	shown []string
}

func (b *badRows) Error() string {
	return fmt.Sprintf("api: %d malformed rows in the registry; nothing stored", b.n)
}

// readRegistry reads every entry of the body, or says why not with the
// status to answer.
func (s *server) readRegistry(body io.Reader, format string) ([]*offline.Entry, int, int, error) {
	rd, err := registry.NewReader(body, format, s.TokenKey)
	if err != nil {
		return nil, 0, readStatus(err), err
	}
	var entries []*offline.Entry
	bad := &badRows{}
	for {
		e, err := rd.Next()
		var re *registry.RowError
		switch {
		case errors.Is(err, io.EOF) && bad.n > 0:
			return nil, rd.Rows(), http.StatusBadRequest, bad
		case errors.Is(err, io.EOF) && len(entries) == 0:
			return nil, 0, http.StatusBadRequest, errors.New("api: the registry has no rows; nothing stored")
		case errors.Is(err, io.EOF):
			return entries, rd.Rows(), 0, nil
		case errors.As(err, &re):
			if bad.n++; len(bad.shown) < maxShownRows {
				bad.shown = append(bad.shown, re.Error())
			}
		case err != nil:
			return nil, 0, readStatus(err), err
		default:
			entries = append(entries, e)
		}
	}
}

func readStatus(err error) int {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// failRows answers a refused upload; bad rows are listed.
func failRows(w http.ResponseWriter, code int, err error) {
	var bad *badRows
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &bad):
		replyCode(w, code, map[string]any{"error": err.Error(), "rows": bad.shown})
	case errors.As(err, &tooBig):
		fail(w, code, fmt.Sprintf("api: the registry is larger than %d bytes; nothing stored", tooBig.Limit))
	default:
		fail(w, code, err.Error())
	}
}

// applyRegistry stores the entries and, for a full upload, deletes the
// cards the export lacks — after checking the deletions first, so that a
// refusal stores nothing.
func (s *server) applyRegistry(w http.ResponseWriter, r *http.Request, o upload, entries []*offline.Entry, rows int) {
	var gone []string
	if !o.partial {
		kept := make(map[string]bool, len(entries))
		for _, e := range entries {
			kept[e.Token] = true
		}
		var err error
		gone, err = registry.Absent(r.Context(), s.Reports, kept, o.maxDelete)
		var many *registry.TooManyAbsent
		if errors.As(err, &many) {
			fail(w, http.StatusConflict, fmt.Sprintf("api: the registry lacks %d of the %d stored cards (%.1f %%), more than max_delete=%g %%: "+
				"nothing stored; if the export is whole, upload it again with max_delete=%d", many.Absent, many.Stored, many.Share, o.maxDelete, int(many.Share)+1))
			return
		}
		if err != nil {
			s.answer(w, nil, err)
			return
		}
	}
	n, err := s.Reports.PutEntitlements(r.Context(), entries)
	if err == nil {
		err = s.Reports.DeleteEntitlements(r.Context(), gone)
	}
	if err == nil {
		s.Log.Info("api: registry uploaded", "rows", rows, "stored", n, "deleted", len(gone), "partial", o.partial)
	}
	s.answer(w, registryAnswer{Rows: rows, Stored: n, Deleted: len(gone), Partial: o.partial}, err)
}

func replyCode(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(v)
}

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"karta/offline"
)

// A state file is the tokenized registry of one built version, for
// building the next version's delta: a header line, then one registry
// JSONL row per entry, by token, with no card numbers:
//
//	{"karta_list_state":1,"list":"bus-fleet","version":7,"entries":2}
//	{"token":"k1.…","category":"pensioner","bus_discount":"100"}
//
// The registry reader skips the header, so a state file is also a
// registry export of tokens (to re-sign a version with a new expiry).
type stateHeader struct {
	State   int    `json:"karta_list_state"`
	List    string `json:"list"`
	Version uint64 `json:"version"`
	Entries int    `json:"entries"`
}

func isStateHeader(line []byte) bool { return bytes.HasPrefix(line, []byte(`{"karta_list_state"`)) }

// writeState writes entries, sorted by token, as the state of list at version.
func writeState(w io.Writer, list string, version uint64, entries []*offline.Entry) error {
	h, err := json.Marshal(stateHeader{State: 1, List: list, Version: version, Entries: len(entries)})
	if err != nil {
		return err
	}
	b := append(h, '\n')
	for _, e := range sortedEntries(entries) {
		b = append(appendRowJSON(b, rowOf(e)), '\n')
		if len(b) > 1<<20 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err = w.Write(b)
	return err
}

func sortedEntries(entries []*offline.Entry) []*offline.Entry {
	s := slices.Clone(entries)
	slices.SortFunc(s, func(a, b *offline.Entry) int { return strings.Compare(a.Token, b.Token) })
	return s
}

// appendRowJSON appends the row's non-empty values as one JSON object, in
// column order.
func appendRowJSON(b []byte, r row) []byte {
	b = append(b, '{')
	for col, v := range r.v {
		if v == "" {
			continue
		}
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		b = append(strconv.AppendQuote(b, colNames[col]), ':')
		b = strconv.AppendQuote(b, v)
	}
	return append(b, '}')
}

// rowOf is the registry row of an entry, the inverse of converter.entry.
func rowOf(e *offline.Entry) row {
	var r row
	r.v[colToken], r.v[colCategory] = e.Token, e.Category
	r.v[colFrom], r.v[colTo] = e.From.String(), e.To.String()
	if e.Bus != nil {
		r.v[colBusDiscount] = strconv.Itoa(int(e.Bus.Discount))
		if e.Bus.MonthlyLimit != 0 {
			r.v[colBusMonthlyLimit] = strconv.Itoa(int(e.Bus.MonthlyLimit))
		}
	}
	if s := e.School; s != nil {
		r.v[colSchool], r.v[colRole], r.v[colSchedule] = s.School, s.Role, s.Schedule
		if s.Grade != 0 {
			r.v[colGrade] = strconv.Itoa(int(s.Grade))
		}
	}
	if m := e.Meals; m != nil {
		r.v[colSchool], r.v[colMeals] = m.School, strings.Join(m.Meals, ";")
	}
	if s := e.Stop; s != nil {
		r.v[colStopReason], r.v[colStopSince] = s.Reason, s.Since.String()
	}
	return r
}

// readState reads the state file of list at version: token → encoded entry.
func readState(path, list string, version uint64) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	var h stateHeader
	if err := json.Unmarshal(first, &h); err != nil || h.State != 1 {
		return nil, fmt.Errorf("%s: not a karta list state file (karta list build --state writes them)", path)
	}
	if h.List != list || h.Version != version {
		return nil, fmt.Errorf("%s holds %s v%d, not %s v%d", path, h.List, h.Version, list, version)
	}
	entries, err := stateEntries(data, path)
	if err == nil && len(entries) != h.Entries {
		err = fmt.Errorf("%s: %d entries, its header says %d", path, len(entries), h.Entries)
	}
	return entries, err
}

func stateEntries(data []byte, path string) (map[string]string, error) {
	rows, err := newRowReader(bytes.NewReader(data), "jsonl")
	if err != nil {
		return nil, err
	}
	c, entries := newConverter(nil), map[string]string{}
	for {
		r, err := rows.next()
		if errors.Is(err, io.EOF) {
			return entries, nil
		}
		var e *offline.Entry
		if err == nil {
			e, err = c.entry(&r)
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		entries[e.Token] = string(offline.AppendEntry(nil, e))
	}
}

package registry

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"

	"karta/offline"
	"karta/offline/token"
)

// Reader reads the entries of one registry export.
type Reader struct {
	rows rowReader
	c    *converter
	n    int
}

// NewReader reads an export in format ("csv" or "jsonl"; see Format). key
// tokenizes the pan column; nil: every row must carry a token. A CSV
// export's header is read here: a missing or unknown one is ErrFormat.
func NewReader(r io.Reader, format string, key *token.Key) (*Reader, error) {
	rows, err := newRowReader(r, format)
	if err != nil {
		return nil, err
	}
	return &Reader{rows: rows, c: newConverter(key)}, nil
}

// Next returns the entry of the next row, and io.EOF after the last. A bad
// row is a *RowError: report it and call Next again. Any other error
// (ErrNoTokenKey, a read error) ends the export.
func (r *Reader) Next() (*offline.Entry, error) {
	row, err := r.rows.next()
	if _, bad := err.(*RowError); err == nil || bad {
		r.n++
	}
	if err != nil {
		return nil, err
	}
	return r.c.entry(&row)
}

// Rows is how many rows (good and bad) were read so far.
func (r *Reader) Rows() int { return r.n }

// Format names the format of an export by its file name's extension:
// "csv", "jsonl" (.jsonl, .ndjson, .json), or "" when it cannot tell.
func Format(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".csv":
		return "csv"
	case ".jsonl", ".ndjson", ".json":
		return "jsonl"
	}
	return ""
}

// StateHeader starts a line of JSONL that the reader skips: the header of
// a karta list state file (karta list build --state), so that such a file
// reads as an export of tokens.
const StateHeader = `{"karta_list_state"`

func isStateHeader(line []byte) bool { return bytes.HasPrefix(line, []byte(StateHeader)) }

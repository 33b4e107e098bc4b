package registry

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

// rowReader yields the rows of a registry export, io.EOF after the last.
// A *RowError is a bad row and reading goes on; any other error is fatal.
type rowReader interface {
	next() (row, error)
}

// newRowReader reads CSV with a header row, or JSONL (one object a line).
func newRowReader(r io.Reader, format string) (rowReader, error) {
	switch format {
	case "csv":
		return newCSVRows(r)
	case "jsonl":
		s := bufio.NewScanner(r)
		s.Buffer(make([]byte, 64<<10), 1<<20)
		return &jsonlRows{s: s}, nil
	}
	return nil, fmt.Errorf("%w: format %q, want csv or jsonl", ErrFormat, format)
}

type csvRows struct {
	r    *csv.Reader
	cols []int // column of each field; -1: none
}

func newCSVRows(r io.Reader) (*csvRows, error) {
	c := &csvRows{r: csv.NewReader(r)}
	c.r.ReuseRecord = true
	header, err := c.r.Read()
	if err != nil {
		return nil, fmt.Errorf("%w: header row: %w", ErrFormat, err)
	}
	seen := map[int]bool{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		col := colIndex(name)
		if col < 0 || seen[col] {
			return nil, fmt.Errorf("%w: header column %d %s is unknown or repeated (is the header row missing?)", ErrFormat, i+1, shownName(name))
		}
		seen[col] = true
		c.cols = append(c.cols, col)
	}
	if !seen[colPAN] && !seen[colToken] {
		return nil, fmt.Errorf("%w: header has neither a pan nor a token column", ErrFormat)
	}
	return c, nil
}

func (c *csvRows) next() (row, error) {
	rec, err := c.r.Read()
	if err == io.EOF {
		return row{}, io.EOF
	}
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return row{}, badRow(pe.StartLine, "not a CSV row of %d fields", len(c.cols))
	}
	if err != nil {
		return row{}, err
	}
	line, _ := c.r.FieldPos(0)
	r := row{line: line}
	for i, v := range rec {
		r.v[c.cols[i]] = strings.TrimSpace(v)
	}
	return r, nil
}

type jsonlRows struct {
	s    *bufio.Scanner
	line int
}

func (j *jsonlRows) next() (row, error) {
	for j.s.Scan() {
		j.line++
		if b := bytes.TrimSpace(j.s.Bytes()); len(b) > 0 && !isStateHeader(b) {
			return parseJSONRow(j.line, b)
		}
	}
	if err := j.s.Err(); err != nil {
		return row{}, fmt.Errorf("line %d: %w", j.line+1, err)
	}
	return row{}, io.EOF
}

// parseJSONRow reads one object whose values are strings, numbers (kept as
// written: a number's digits are not rounded) or, for meals, a list.
func parseJSONRow(line int, b []byte) (row, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return row{}, badRow(line, "not a JSON object")
	}
	r := row{line: line}
	for _, k := range slices.Sorted(maps.Keys(fields)) { // the same row, the same complaint
		raw := fields[k]
		col := colIndex(k)
		if col < 0 {
			return row{}, badRow(line, "unknown field %s", shownName(k))
		}
		v, err := jsonValue(raw)
		if err != nil {
			return row{}, badRow(line, "%s: want a string, a number or a list of strings", colNames[col])
		}
		r.v[col] = strings.TrimSpace(v)
	}
	return r, nil
}

func jsonValue(raw json.RawMessage) (string, error) {
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", nil
	case raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case raw[0] == '[':
		var l []string
		err := json.Unmarshal(raw, &l)
		return strings.Join(l, ";"), err
	case raw[0] == '-' || raw[0] >= '0' && raw[0] <= '9':
		return string(raw), nil
	}
	return "", errors.New("not a string, number or list")
}

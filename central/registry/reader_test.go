package registry_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"karta/central/registry"
	"karta/internal/golden"
	"karta/offline"
	"karta/offline/bundle/bundletest"
	"karta/offline/token"
)

// readAll reads an export whole: its entries and its bad rows' messages.
func readAll(t testing.TB, in []byte, format string, key *token.Key) ([]*offline.Entry, []string, error) {
	t.Helper()
	r, err := registry.NewReader(bytes.NewReader(in), format, key)
	if err != nil {
		return nil, nil, err
	}
	var es []*offline.Entry
	var bad []string
	for {
		e, err := r.Next()
		var re *registry.RowError
		switch {
		case errors.Is(err, io.EOF):
			return es, bad, nil
		case errors.As(err, &re):
			bad = append(bad, re.Error())
		case err != nil:
			return es, bad, err
		default:
			es = append(es, e)
		}
	}
}

func TestReader(t *testing.T) {
	key, err := token.LoadKey("testdata/token.key")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		file string
		bad  []string
	}{
		{"testdata/registry.csv", []string{"line 6: pan is not", "line 7: pan is not", "line 8: pan is not",
			"line 9: from is not a date", "line 10: bus_discount is not", "line 11: same card as line 2",
			"line 12: grade is not 1-11", "line 13: grants nothing", "line 14: not a CSV row of 14 fields"}},
		{"testdata/registry.jsonl", nil},
	}
	var got [][]*offline.Entry
	for _, tt := range tests {
		in, err := os.ReadFile(tt.file)
		if err != nil {
			t.Fatal(err)
		}
		es, bad, err := readAll(t, in, registry.Format(tt.file), key)
		if err != nil || len(es) != 5 {
			t.Fatalf("%s: %d entries, %v", tt.file, len(es), err)
		}
		for i, want := range tt.bad {
			if i >= len(bad) || !strings.HasPrefix(bad[i], want) {
				t.Errorf("%s: bad rows %q, want %q", tt.file, bad, tt.bad)
				break
			}
		}
		if leaked := regexp.MustCompile(`[0-9]{12,}`).FindAllString(strings.Join(bad, "\n")+entryText(es), -1); len(leaked) > 0 {
			t.Errorf("%s: card numbers in what was read: %v", tt.file, leaked)
		}
		got = append(got, es)
	}
	if !reflect.DeepEqual(got[0], got[1]) {
		t.Errorf("CSV and JSONL of the same cards read differently")
	}
}

func entryText(es []*offline.Entry) string {
	var b []byte
	for _, e := range es {
		b = append(registry.AppendJSON(b, e), '\n')
	}
	return string(b)
}

func TestReaderRefuses(t *testing.T) {
	tests := []struct {
		in, format string
		want       error
	}{
		{"pan,category\n", "xlsx", registry.ErrFormat},
		{"", "csv", registry.ErrFormat},
		{"2200701234567896,pensioner\n", "csv", registry.ErrFormat},
		{"category,bus_discount\n", "csv", registry.ErrFormat},
		{"pan,bus_discount\n2200701234567896,100\n", "csv", registry.ErrNoTokenKey},
		{`{"pan":"2200701234567896","bus_discount":100}`, "jsonl", registry.ErrNoTokenKey},
	}
	for _, tt := range tests {
		_, _, err := readAll(t, []byte(tt.in), tt.format, nil)
		if !errors.Is(err, tt.want) {
			t.Errorf("%q as %s: %v, want %v", tt.in, tt.format, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), "2200701234567896") {
			t.Errorf("the error shows the card number: %v", err)
		}
	}
}

// TestRowErrorToken: a bad row names its card when the card was good, so
// an importer can keep what it had.
func TestRowErrorToken(t *testing.T) {
	tok := bundletest.Token(1)
	in := "token,bus_discount\n" + tok + ",150\nk1.bad,100\n"
	r, err := registry.NewReader(strings.NewReader(in), "csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{tok, ""} {
		_, err := r.Next()
		var re *registry.RowError
		if !errors.As(err, &re) || re.Token != want {
			t.Errorf("RowError %+v, want token %q", err, want)
		}
	}
	if r.Rows() != 2 {
		t.Errorf("Rows = %d", r.Rows())
	}
}

// TestStateFileReads: rows written by AppendJSON after a state header read
// back as the same entries.
func TestStateFileReads(t *testing.T) {
	es := bundletest.Entries(50)
	b := []byte(registry.StateHeader + `:1,"list":"x"}` + "\n")
	for _, e := range es {
		b = append(registry.AppendJSON(b, e), '\n')
	}
	got, bad, err := readAll(t, b, "jsonl", nil)
	if err != nil || len(bad) > 0 || !reflect.DeepEqual(got, es) {
		t.Errorf("read back %d entries, bad %q, %v", len(got), bad, err)
	}
}

func FuzzReader(f *testing.F) {
	for _, p := range []string{"testdata/registry.csv", "testdata/registry.jsonl"} {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, registry.Format(p) == "csv")
	}
	key, err := token.LoadKey("testdata/token.key")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, in []byte, csv bool) {
		format := map[bool]string{true: "csv", false: "jsonl"}[csv]
		es, _, err := readAll(t, in, format, key)
		if err != nil && !errors.Is(err, registry.ErrFormat) && !strings.Contains(err.Error(), "line") {
			t.Fatalf("an error that says neither the format nor the line: %v", err)
		}
		seen := map[string]bool{}
		for _, e := range es {
			if err := offline.CheckEntry(e); err != nil || seen[e.Token] {
				t.Fatalf("entry %+v: %v (seen before: %v)", e, err, seen[e.Token])
			}
			seen[e.Token] = true
		}
	})
}

// TestAppendJSONGolden pins the rows AppendJSON writes (karta list build's
// state files are made of them).
func TestAppendJSONGolden(t *testing.T) {
	var b []byte
	for _, e := range bundletest.Entries(12) {
		b = append(registry.AppendJSON(b, e), '\n')
	}
	golden.Check(t, "testdata/rows.golden", b)
}

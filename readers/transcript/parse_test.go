package transcript_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"karta/readers/transcript"
)

func TestParse(t *testing.T) {
	selectPPSE := []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x32, 0x50, 0x00}
	ok := []byte{0x90, 0x00}
	tests := []struct {
		name     string
		in       string
		want     []transcript.Exchange
		comments []string
	}{
		{name: "empty", in: ""},
		{name: "only comments", in: "# a\n#b\n\n", comments: []string{"a", "b"}},
		{name: "one exchange", in: "C: 00A4040002325000\nR: 9000\n",
			want: []transcript.Exchange{{Command: selectPPSE, Response: ok, Line: 1}}},
		{name: "lowercase, spaces, no space after colon", in: "c:00 a4 04 00 02 32 50 00\nr:90 00",
			want: []transcript.Exchange{{Command: selectPPSE, Response: ok, Line: 1}}},
		{name: "CRLF", in: "# x\r\nC: 00A4040002325000\r\n\r\nR: 9000\r\n", comments: []string{"x"},
			want: []transcript.Exchange{{Command: selectPPSE, Response: ok, Line: 2}}},
		{name: "byte order mark", in: "\uFEFFC: 00A4040002325000\nR: 9000\n",
			want: []transcript.Exchange{{Command: selectPPSE, Response: ok, Line: 1}}},
		{name: "tabs and indentation", in: "\t C:\t00A4040002325000 \n  R: 90\t00",
			want: []transcript.Exchange{{Command: selectPPSE, Response: ok, Line: 1}}},
		{name: "any command", in: "C: *\n# between\nR: 6A82\n", comments: []string{"between"},
			want: []transcript.Exchange{{Any: true, Response: []byte{0x6A, 0x82}, Line: 1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := transcript.Parse(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Exchanges, tt.want) || !reflect.DeepEqual(got.Comments, tt.comments) {
				t.Fatalf("Parse = %+v; want exchanges %+v, comments %q", got, tt.want, tt.comments)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		line int
		msg  string
	}{
		{"R without C", "# c\nR: 9000\n", 2, "R: line without a C: line above it"},
		{"two R", "C: 00B2010C00\nR: 9000\nR: 9000\n", 3, "R: line without a C: line above it"},
		{"odd digits", "C: 00B2010C0\nR: 9000\n", 1, "C: odd number of hex digits"},
		{"non-hex", "C: 00B2010C00\nR: 90 0G\n", 2, `R: invalid hex digit 'G'`},
		{"non-ASCII", "C: 00B2é10C00\n", 1, `C: invalid hex digit 'é'`},
		{"empty C", "C:\n", 1, "C: no hex digits"},
		{"empty R", "C: 00B2010C00\nR:   \n", 2, "R: no hex digits"},
		{"short response", "C: 00B2010C00\nR: 90\n", 2, "R: response shorter than 2 bytes (SW1 SW2)"},
		{"unknown prefix", "C: 00B2010C00\nR: 9000\nX: 00\n", 3, `unknown line: want "C:", "R:" or "#"`},
		{"bare word", "\n\nhello\n", 3, `unknown line: want "C:", "R:" or "#"`},
		{"one letter", "C", 1, `unknown line: want "C:", "R:" or "#"`},
		{"star in R", "C: *\nR: *\n", 2, `R: invalid hex digit '*'`},
		{"CRLF line numbers", "# a\r\n\r\nR: 9000\r\n", 3, "R: line without a C: line above it"},
		{"hex too long", "C: " + strings.Repeat("00", 1<<19+1) + "\n", 1, "line longer than 1 MiB"},
		{"line too long", "# x\n" + strings.Repeat(" ", 2<<20) + "\n", 2, "line longer than 1 MiB"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := transcript.Parse(strings.NewReader(tt.in))
			if got != nil || !errors.Is(err, transcript.ErrSyntax) {
				t.Fatalf("Parse = %v, %v; want ErrSyntax", got, err)
			}
			se, ok := errors.AsType[*transcript.SyntaxError](err)
			if !ok || se.Line != tt.line || se.Msg != tt.msg {
				t.Fatalf("Parse error = %#v; want line %d %q", err, tt.line, tt.msg)
			}
		})
	}
}

func TestSyntaxErrorMessage(t *testing.T) {
	err := &transcript.SyntaxError{Line: 7, Msg: "R: line without a C: line above it"}
	if got, want := err.Error(), "transcript: line 7: R: line without a C: line above it"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestParseFile(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("C: 00\nR: 9000\nZ: 00\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := transcript.ParseFile(bad)
	se, ok := errors.AsType[*transcript.SyntaxError](err)
	if !ok || se.Path != bad || se.Line != 3 || !strings.HasPrefix(err.Error(), "transcript: "+bad+": line 3: ") {
		t.Errorf("ParseFile(bad) = %v; want a syntax error at %s line 3", err, bad)
	}
	_, err = transcript.ParseFile(filepath.Join(dir, "missing.txt"))
	if !errors.Is(err, fs.ErrNotExist) || errors.Is(err, transcript.ErrSyntax) {
		t.Errorf("ParseFile(missing) = %v; want fs.ErrNotExist", err)
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseReadError(t *testing.T) {
	_, err := transcript.Parse(failingReader{})
	if err == nil || errors.Is(err, transcript.ErrSyntax) || !strings.HasPrefix(err.Error(), "transcript: ") {
		t.Errorf("Parse(failing reader) = %v; want a non-syntax transcript error", err)
	}
}

// mustParse parses s or fails the test.
func mustParse(t testing.TB, s string) *transcript.Transcript {
	t.Helper()
	tr, err := transcript.Parse(bytes.NewReader([]byte(s)))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

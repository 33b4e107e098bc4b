package transcript_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"karta/internal/golden"
	"karta/readers/transcript"
)

// TestGolden parses each testdata/*.txt and compares its rewritten form with
// the .golden file next to it. Run with -update to regenerate them.
func TestGolden(t *testing.T) {
	inputs, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil || len(inputs) == 0 {
		t.Fatalf("no testdata: %v", err)
	}
	for _, in := range inputs {
		t.Run(filepath.Base(in), func(t *testing.T) {
			got := rewrite(t, mustParseFile(t, in))
			goldenPath := strings.TrimSuffix(in, ".txt") + ".golden"
			golden.Check(t, goldenPath, got)
			want, err := os.ReadFile(goldenPath)
			if err != nil {
				t.Fatal(err)
			}
			if again := rewrite(t, mustParse(t, string(want))); !bytes.Equal(again, want) {
				t.Fatalf("rewriting %s changes it:\n%s", goldenPath, again)
			}
		})
	}
}

func TestRoundTrip(t *testing.T) {
	tr := &transcript.Transcript{
		Comments: []string{"two\nlines", "", "  indented"},
		Exchanges: []transcript.Exchange{
			{Command: []byte{0x00, 0xA4, 0x04, 0x00, 0x02, 0x32, 0x50, 0x00}, Response: []byte{0x6F, 0x00, 0x90, 0x00}},
			{Any: true, Command: []byte{0x01}, Response: []byte{0x6A, 0x82}},
			{Command: []byte{0xAB}, Response: []byte{0x6D, 0x00}},
		},
	}
	var buf bytes.Buffer
	n, err := tr.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; buffer holds %d bytes", n, err, buf.Len())
	}
	got := mustParse(t, buf.String())
	if !sameExchanges(got.Exchanges, tr.Exchanges) {
		t.Errorf("round trip exchanges = %+v; want %+v", got.Exchanges, tr.Exchanges)
	}
	want := []string{"two", "lines", "", "  indented"}
	if !reflect.DeepEqual(got.Comments, want) {
		t.Errorf("round trip comments = %q; want %q", got.Comments, want)
	}
}

func TestWriteToInvalid(t *testing.T) {
	tests := []struct {
		name string
		e    transcript.Exchange
	}{
		{"empty command", transcript.Exchange{Response: []byte{0x90, 0x00}}},
		{"empty response", transcript.Exchange{Command: []byte{0x00, 0xB2, 0x01, 0x0C}, Response: []byte{}}},
		{"one-byte response", transcript.Exchange{Any: true, Response: []byte{0x90}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := &transcript.Transcript{Comments: []string{"x"}, Exchanges: []transcript.Exchange{tt.e}}
			var buf bytes.Buffer
			if n, err := tr.WriteTo(&buf); err == nil || n != 0 || buf.Len() != 0 {
				t.Fatalf("WriteTo = %d, %v, wrote %q; want an error and nothing written", n, err, buf.String())
			}
		})
	}
}

type fullDisk struct{}

func (fullDisk) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestWriteToError(t *testing.T) {
	tr := mustParse(t, "C: *\nR: 9000\n")
	if _, err := tr.WriteTo(fullDisk{}); err == nil || !strings.HasPrefix(err.Error(), "transcript: ") {
		t.Errorf("WriteTo(full disk) = %v; want a transcript error", err)
	}
}

func rewrite(t testing.TB, tr *transcript.Transcript) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := tr.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func mustParseFile(t testing.TB, path string) *transcript.Transcript {
	t.Helper()
	tr, err := transcript.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// sameExchanges compares what a transcript says, not where it said it: the
// command (unless Any) and the response.
func sameExchanges(a, b []transcript.Exchange) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Any != b[i].Any || !bytes.Equal(a[i].Response, b[i].Response) ||
			!a[i].Any && !bytes.Equal(a[i].Command, b[i].Command) {
			return false
		}
	}
	return true
}

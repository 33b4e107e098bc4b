package transcript_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"karta/readers/transcript"
)

// FuzzParse checks that Parse never panics and that whatever it accepts
// survives WriteTo and Parse unchanged.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"",
		"C: *\nR: 9000\n",
		"c:00 a4 04 00 00\r\nr:6a82\r\n",
		"# only a comment",
		"R: 9000\n",
		"C: 00\nC: 00\n",
		"C: 0\nR: 9000\n",
		"\uFEFFC:00B2010C00\nR:\t90 00",
	} {
		f.Add([]byte(s))
	}
	addTestdata(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := transcript.Parse(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if _, err := tr.WriteTo(&buf); err != nil {
			t.Fatalf("WriteTo of a parsed transcript: %v", err)
		}
		again, err := transcript.Parse(&buf)
		if err != nil {
			t.Fatalf("Parse of WriteTo output: %v\n%s", err, buf.Bytes())
		}
		if !sameExchanges(again.Exchanges, tr.Exchanges) {
			t.Fatalf("round trip changed the exchanges:\n%+v\n%+v", tr.Exchanges, again.Exchanges)
		}
		replay(t, tr)
	})
}

// replay sends every recorded command to a card made from tr; it must not
// panic whatever the commands look like.
func replay(t *testing.T, tr *transcript.Transcript) {
	card := transcript.NewCard(tr)
	for _, e := range tr.Exchanges {
		if _, err := card.Transmit(t.Context(), e.Command); err != nil {
			t.Fatal(err)
		}
	}
}

func addTestdata(f *testing.F) {
	for _, pattern := range []string{"*.txt", "*.golden"} {
		paths, err := filepath.Glob(filepath.Join("testdata", pattern))
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range paths {
			data, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(data)
		}
	}
}

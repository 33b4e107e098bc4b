package transcript_test

import (
	"bytes"
	"testing"
)

func TestScrub(t *testing.T) {
	pan := "2202456789012347"
	test := "2202450000000007"
	tr := mustParse(t, `C: 00B2010C00
R: 70145A0822024567890123475F24032711305F3401019000
C: 00B2020C00
R: 701457112202456789012347D27112011000000F9000
C: 00B2030C00
R: 70 0B 57 09 02 20 24 56 78 90 12 34 7F 90 00
C: 00B2040C00
R: 702056  1E 42 32 32 30 32 34 35 36 37 38 39 30 31 32 33 34 37 5E 49 56 41 4E 4F 56 2F 49 5E 32 37 31 31 9000
`)
	if err := tr.Scrub(map[string]string{pan: test, "IVANOV/I": "TEST/CRD"}); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	tr.WriteTo(&out)
	for _, s := range []string{"2202456789012347", "02202456789012347", "IVANOV", "4956414E4F56"} {
		if bytes.Contains(out.Bytes(), []byte(s)) {
			t.Errorf("scrubbed transcript still holds %q:\n%s", s, out.String())
		}
	}
	for _, s := range []string{"5A082202450000000007", "57112202450000000007D2711", "02202450000000007F", "32323032343530303030303030303037"} {
		if !bytes.Contains(out.Bytes(), []byte(s)) {
			t.Errorf("scrubbed transcript lacks %q:\n%s", s, out.String())
		}
	}
	if err := tr.Scrub(map[string]string{pan: "123"}); err == nil {
		t.Error("Scrub accepted a replacement of another length")
	}
}

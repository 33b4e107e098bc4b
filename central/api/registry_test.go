package api_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"karta/central/api"
	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline/offlinetest"
)

// Card numbers of the upload tests (Luhn-valid test numbers).
const (
	panA = "2200701234567896"
	panB = "2202209876543215"
)

var goodCSV = "pan,token,category,bus_discount\n" +
	panA + ",,pensioner,100\n" +
	panB + ",,schoolchild,50\n" +
	"," + offlinetest.Token(1) + ",veteran,100\n"

var goodJSONL = `{"pan":"` + panA + `","category":"pensioner","bus_discount":100}` + "\n" +
	`{"token":"` + offlinetest.Token(1) + `","category":"veteran","bus_discount":100}` + "\n"

// digits finds what could be a card number in an answer or a log.
var digits = regexp.MustCompile(`\d{12,19}`)

func tokensOf(t *testing.T, st *store.Store) map[string]bool {
	t.Helper()
	m := map[string]bool{}
	if err := st.ScanTokens(context.Background(), func(tok string) error { m[tok] = true; return nil }); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestRegistryUpload(t *testing.T) {
	cases := []struct {
		name, query, contentType, body string
		code                           int
		want                           []string // substrings of the answer
		tokens                         int      // stored afterwards (2 before)
	}{
		{"csv, full", "", "text/csv", goodCSV, 200, []string{`"rows":3`, `"stored":3`, `"deleted":1`, `"partial":false`}, 3},
		{"csv, partial", "?partial=1", "text/csv; charset=utf-8", goodCSV, 200, []string{`"stored":3`, `"deleted":0`, `"partial":true`}, 4},
		{"jsonl", "?partial=true", "application/x-ndjson", goodJSONL, 200, []string{`"rows":2`, `"stored":2`}, 3},
		{"a bad row", "", "text/csv", goodCSV + "22001234,,pensioner,100\n" + panB + ",,pensioner,500\n", 400,
			[]string{`2 malformed rows in the registry; nothing stored`, `line 5: `, `line 6: `}, 2},
		{"a card twice", "", "text/csv", goodCSV + panA + ",,pensioner,100\n", 400, []string{`line 5`}, 2},
		{"no rows", "", "text/csv", "pan,category\n", 400, []string{`no rows`}, 2},
		{"no header", "", "text/csv", panA + ",,pensioner,100\n", 400, []string{`not a registry export`}, 2},
		{"broken json", "", "application/x-ndjson", `{"pan":"` + panA + `",` + "\n", 400, []string{`line 1`}, 2},
		{"no content type", "", "", goodCSV, 415, []string{`Content-Type`}, 2},
		{"xml", "", "application/xml", goodCSV, 415, []string{`application/xml`}, 2},
		{"bad partial", "?partial=maybe", "text/csv", goodCSV, 400, []string{`partial`}, 2},
		{"bad max_delete", "?max_delete=150", "text/csv", goodCSV, 400, []string{`0 to 100`}, 2},
		{"partial and max_delete", "?partial=1&max_delete=5", "text/csv", goodCSV, 400, []string{`does not go with`}, 2},
		{"unknown parameter", "?dry=1", "text/csv", goodCSV, 400, []string{`unknown parameter`}, 2},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				st := storetest.Open(t, storetest.DSN(t, st.Backend()))
				r := newRegional(t, st, true, api.Options{})
				code, body, _ := r.do(t, "POST", "/api/v1/registry"+c.query, c.contentType, "", []byte(c.body))
				if code != c.code {
					t.Fatalf("%d, want %d: %s", code, c.code, body)
				}
				for _, w := range c.want {
					if !strings.Contains(body, w) {
						t.Errorf("answer lacks %s: %s", w, body)
					}
				}
				if got := tokensOf(t, st); len(got) != c.tokens {
					t.Errorf("%d tokens stored, want %d", len(got), c.tokens)
				}
				if digits.MatchString(body) || digits.MatchString(r.log.String()) {
					t.Errorf("a card number in the answer or the log:\n%s\n%s", body, r.log)
				}
			})
		}
	})
}

func TestRegistryUploadTokenizes(t *testing.T) {
	st := storetest.Open(t, storetest.DSN(t, "sqlite"))
	r := newRegional(t, st, true, api.Options{})
	if code, body, _ := r.do(t, "POST", "/api/v1/registry?partial=1", "text/csv", "", []byte(goodCSV)); code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	got := tokensOf(t, st)
	for _, pan := range []string{panA, panB} {
		if !got[r.key.PANToken([]byte(pan))] {
			t.Errorf("the token of a card of the upload is not stored")
		}
	}
	for tok := range got {
		if strings.Contains(tok, panA) || strings.Contains(tok, panB) {
			t.Errorf("a stored token holds a card number")
		}
	}
}

func TestRegistryUploadWithoutKey(t *testing.T) {
	r := newRegional(t, storetest.Open(t, storetest.DSN(t, "sqlite")), false, api.Options{})
	code, body, _ := r.do(t, "POST", "/api/v1/registry", "text/csv", "", []byte(goodCSV))
	if code != 503 || !strings.Contains(body, "--token-key") {
		t.Errorf("%d %s, want 503 naming --token-key", code, body)
	}
}

func TestRegistryUploadTooBig(t *testing.T) {
	st := storetest.Open(t, storetest.DSN(t, "sqlite"))
	r := newRegional(t, st, true, api.Options{MaxRegistryBytes: 100})
	code, body, _ := r.do(t, "POST", "/api/v1/registry", "text/csv", "", []byte(goodCSV+goodCSV[len("pan,token,category,bus_discount\n"):]))
	if code != 413 || !strings.Contains(body, "larger than 100 bytes") {
		t.Errorf("%d %s, want 413", code, body)
	}
	if n := len(tokensOf(t, st)); n != 2 {
		t.Errorf("%d tokens stored, want the 2 from before", n)
	}
}

// TestRegistryUploadMaxDelete: a full upload that lacks more than
// max_delete of more than 100 stored cards stores nothing.
func TestRegistryUploadMaxDelete(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		r := newRegional(t, st, true, api.Options{})
		var b strings.Builder
		b.WriteString("token,category,bus_discount\n")
		for i := range 300 {
			fmt.Fprintf(&b, "%s,pensioner,100\n", offlinetest.Token(1000+i))
		}
		if code, body, _ := r.do(t, "POST", "/api/v1/registry?partial=1", "text/csv", "", []byte(b.String())); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		code, body, _ := r.do(t, "POST", "/api/v1/registry", "text/csv", "", []byte(goodCSV))
		if code != 409 || !strings.Contains(body, "lacks 301 of the 302 stored cards") || !strings.Contains(body, "max_delete=100") {
			t.Fatalf("%d %s, want 409", code, body)
		}
		if n := len(tokensOf(t, st)); n != 302 {
			t.Errorf("%d tokens after a refused upload, want 302", n)
		}
		code, body, _ = r.do(t, "POST", "/api/v1/registry?max_delete=100", "text/csv", "", []byte(goodCSV))
		if code != 200 || !strings.Contains(body, `"deleted":301`) {
			t.Errorf("%d %s, want 301 deleted", code, body)
		}
	})
}

// FuzzRegistryUpload posts any body under any query and content type: the
// answer is never a 500, and no run of 12 or more digits from the body (a
// card number, perhaps) comes back in the answer or the log.
//
//	go test -run '^$' -fuzz FuzzRegistryUpload -fuzztime 30s ./central/api/
func FuzzRegistryUpload(f *testing.F) {
	for _, seed := range []struct{ query, ct, body string }{
		{"", "text/csv", goodCSV},
		{"partial=1", "application/x-ndjson", goodJSONL},
		{"max_delete=5", "text/csv", "pan,category\n" + panA + ",pensioner\n"},
		{"", "text/csv", "\ufeffPAN;category\n\"" + panA + "\n"},
		{"partial=0", "application/x-ndjson", `{"pan":` + panB + `,"meals":["lunch"],"school":"s"}`},
	} {
		f.Add(seed.query, seed.ct, []byte(seed.body))
	}
	if b, err := os.ReadFile("../registry/testdata/registry.csv"); err == nil {
		f.Add("", "text/csv", b)
	}
	st := storetest.Open(f, storetest.DSN(f, "sqlite"))
	r := newRegional(f, st, true, api.Options{MaxRegistryBytes: 1 << 16})
	f.Fuzz(func(t *testing.T, query, ct string, body []byte) {
		v, err := url.ParseQuery(query)
		if err != nil || strings.IndexFunc(ct, func(c rune) bool { return c < 0x20 || c >= 0x7f }) >= 0 {
			return // the client would not send it
		}
		r.log.Reset()
		code, answer, _ := r.do(t, "POST", "/api/v1/registry?"+v.Encode(), ct, "", body)
		if code >= 500 {
			t.Fatalf("%d: %s", code, answer)
		}
		for _, d := range digits.FindAllString(string(body), -1) {
			if strings.Contains(answer, d) || strings.Contains(r.log.String(), d) {
				t.Fatalf("digits of the body came back: %s\n%s", answer, r.log)
			}
		}
	})
}

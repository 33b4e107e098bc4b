package bundle

import (
	"testing"

	"karta/offline/token"
)

// TestValidTokenAgrees checks the allocation-free token check against
// offline/token, the authority on what a token is.
func TestValidTokenAgrees(t *testing.T) {
	k, err := token.NewKey("k-1", []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	good := k.PANToken([]byte("2200123456789010"))
	cases := []string{good, "k1.AAAAAAAAAAAAAAAAAAAA", "a.-_-_-_-_-_-_-_-_-_-_", "0123456789abcdef.AAAAAAAAAAAAAAAAAAAA",
		"", ".", "2200123456789010", "k1.AAAAAAAAAAAAAAAAAAA", "k1.AAAAAAAAAAAAAAAAAAAAA", "K1.AAAAAAAAAAAAAAAAAAAA",
		"k_1.AAAAAAAAAAAAAAAAAAAA", "k1.AAAAAAAAAAAAAAAAAAA.", "k1.AAAAAAAAAAAAAAAAAA+/", ".AAAAAAAAAAAAAAAAAAAAA",
		"0123456789abcdefg.AAAAAAAAAAAAAAAAAAAA", "k1.AAAAAAAAAA AAAAAAAAA", "k1.AAAAAAAAAAAAAAAAAAA\xff"}
	for i := range len(good) {
		cases = append(cases, good[:i]+"."+good[i+1:], good[:i]+"é"+good[i+1:])
	}
	for _, tok := range cases {
		_, err := token.KeyID(tok)
		if validToken(tok) != (err == nil) || validToken([]byte(tok)) != (err == nil) {
			t.Errorf("validToken(%q) = %v, token.KeyID error %v", tok, validToken(tok), err)
		}
	}
}

func TestValidTokenAllocs(t *testing.T) {
	tok := []byte("k1.AAAAAAAAAAAAAAAAAAAA")
	if n := testing.AllocsPerRun(100, func() { validToken(tok) }); n != 0 {
		t.Errorf("%v allocations", n)
	}
}

package password_test

import (
	"errors"
	"strings"
	"testing"

	"karta/central/web/password"
)

func TestHashAndCheck(t *testing.T) {
	h, err := password.Hash("correct horse battery", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "pbkdf2-sha256$1000$") || strings.Contains(h, "horse") {
		t.Errorf("hash %q", h)
	}
	for pw, want := range map[string]bool{"correct horse battery": true, "correct horse batterz": false, "": false,
		strings.Repeat("x", 300): false} {
		if ok, err := password.Check(h, pw); ok != want || err != nil {
			t.Errorf("Check(%.20q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	h2, _ := password.Hash("correct horse battery", 1000)
	if h2 == h {
		t.Error("two hashes of one password are equal: no salt")
	}
	p, err := password.Parse(h)
	if err != nil || p.Iterations != 1000 || len(p.Salt) != 16 || len(p.Key) != 32 {
		t.Errorf("Parse = %+v, %v", p, err)
	}
}

func TestDefaultIterations(t *testing.T) {
	h, err := password.Hash("0123456789", 0)
	if err != nil || !strings.HasPrefix(h, "pbkdf2-sha256$600000$") {
		t.Errorf("Hash with the default = %q, %v", h, err)
	}
}

func TestRefused(t *testing.T) {
	for pw, want := range map[string]error{
		"short":                  password.ErrTooShort,
		"ёжик в тум":             nil, // 10 characters, 19 bytes
		"ёжик в ту":              password.ErrTooShort,
		strings.Repeat("x", 257): password.ErrTooLong,
	} {
		_, err := password.Hash(pw, 1)
		if !errors.Is(err, want) && !(want == nil && err == nil) {
			t.Errorf("Hash(%q) = %v, want %v", pw, err, want)
		}
	}
	if _, err := password.Hash("0123456789", password.MaxIterations+1); err == nil {
		t.Error("too many iterations accepted")
	}
}

func TestMalformed(t *testing.T) {
	for _, h := range []string{
		"", "plain", "pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0$",
		"pbkdf2-sha1$1000$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"pbkdf2-sha256$0$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"pbkdf2-sha256$01000$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"pbkdf2-sha256$99999999999$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"pbkdf2-sha256$1000$c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA$a2V5",
		"pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA==$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U",
		"pbkdf2-sha256$1000$c2FsdHNhbHRzYWx0c2FsdA$a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2V5a2U$x",
	} {
		if ok, err := password.Check(h, "0123456789"); ok || !errors.Is(err, password.ErrMalformed) {
			t.Errorf("Check(%q) = %v, %v; want ErrMalformed", h, ok, err)
		}
	}
}

// FuzzParse: any string parses or is refused, never panics, and never
// turns up in the error; what parses checks without error.
func FuzzParse(f *testing.F) {
	h, _ := password.Hash("0123456789", 2)
	f.Add(h)
	f.Add("pbkdf2-sha256$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("pbkdf2-sha256$$$")
	f.Fuzz(func(t *testing.T, h string) {
		p, err := password.Parse(h)
		if err != nil {
			if len(h) > 20 && strings.Contains(err.Error(), h) {
				t.Errorf("error shows the hash: %v", err)
			}
			return
		}
		if p.Iterations > 1000 {
			return // correct but slow to check
		}
		if _, err := password.Check(h, "0123456789"); err != nil {
			t.Errorf("Check of a parsed hash: %v", err)
		}
	})
}

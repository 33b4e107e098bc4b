package token_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/internal/golden"
	"karta/offline/token"
)

func testKey(t *testing.T, id string) *token.Key {
	t.Helper()
	k, err := token.NewKey(id, []byte("0123456789abcdef0123456789abcdef"))
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestVectors pins the token algorithm: a change here orphans every list and
// database built with it, so it must be deliberate (go test -update).
func TestVectors(t *testing.T) {
	k := testKey(t, "k1")
	var b strings.Builder
	for _, pan := range []string{"2200123456789010", "4111111111111111", "6726420000000001236"} {
		fmt.Fprintf(&b, "pan %s\n", k.PANToken([]byte(pan)))
	}
	fmt.Fprintf(&b, "par %s\n", k.PARToken([]byte("V0010013022295123456789012345")))
	golden.Check(t, filepath.Join("testdata", "vectors.golden"), []byte(b.String()))
}

func TestTokens(t *testing.T) {
	k1, k1again, k2 := testKey(t, "k1"), testKey(t, "k1"), testKey(t, "k2")
	other, err := token.NewKey("k1", []byte("another secret of enough length"))
	if err != nil {
		t.Fatal(err)
	}
	pan := []byte("2200123456789010")
	tests := []struct {
		name      string
		a, b      string
		wantEqual bool
	}{
		{"same key same pan", k1.PANToken(pan), k1again.PANToken(pan), true},
		{"other pan", k1.PANToken(pan), k1.PANToken([]byte("2200123456789028")), false},
		{"other secret", k1.PANToken(pan), other.PANToken(pan), false},
		{"pan and par domains differ", k1.PANToken(pan), k1.PARToken(pan), false},
		{"key id rotates", k1.PANToken(pan), k2.PANToken(pan), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if (tt.a == tt.b) != tt.wantEqual {
				t.Errorf("%q vs %q: equal=%v, want %v", tt.a, tt.b, tt.a == tt.b, tt.wantEqual)
			}
		})
	}
	tok := k1.PANToken(pan)
	if strings.Contains(tok, string(pan)) || !strings.HasPrefix(tok, "k1.") || len(tok) != 23 {
		t.Errorf("token %q: want k1. and 20 characters, no digits of the PAN", tok)
	}
	if id, err := token.KeyID(tok); err != nil || id != "k1" {
		t.Errorf("KeyID(%q) = %q, %v", tok, id, err)
	}
}

func TestBadInput(t *testing.T) {
	for _, tt := range []struct {
		id     string
		secret string
	}{
		{"", "0123456789abcdef"},
		{"K1", "0123456789abcdef"},
		{"k1.x", "0123456789abcdef"},
		{"a-very-long-key-id-here", "0123456789abcdef"},
		{"k1", "short"},
	} {
		if _, err := token.NewKey(tt.id, []byte(tt.secret)); !errors.Is(err, token.ErrBadKey) {
			t.Errorf("NewKey(%q, %q) = %v, want ErrBadKey", tt.id, tt.secret, err)
		}
	}
	for _, tok := range []string{"", "k1", "k1.", "K1.AAAAAAAAAAAAAAAAAAAA", "k1.AAAA", "k1.AAAAAAAAAAAAAAAAAA!!"} {
		if _, err := token.KeyID(tok); !errors.Is(err, token.ErrBadToken) {
			t.Errorf("KeyID(%q) = %v, want ErrBadToken", tok, err)
		}
	}
	for _, text := range []string{"", "karta-token-key v1 k1", "karta-token-key v2 k1 AAAA", "karta-token-key v1 k1 !!!!", "karta-token-key v1 k1 AAAA"} {
		if _, err := token.ParseKey([]byte(text)); !errors.Is(err, token.ErrBadKey) {
			t.Errorf("ParseKey(%q) = %v, want ErrBadKey", text, err)
		}
	}
}

func TestKeyFile(t *testing.T) {
	k := testKey(t, "k7")
	path := filepath.Join(t.TempDir(), "token.key")
	if err := token.SaveKey(path, k); err != nil {
		t.Fatal(err)
	}
	if err := token.SaveKey(path, k); err == nil {
		t.Error("SaveKey overwrote an existing key file")
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
	got, err := token.LoadKey(path)
	if err != nil {
		t.Fatal(err)
	}
	pan := []byte("2200123456789010")
	if got.PANToken(pan) != k.PANToken(pan) || got.ID() != "k7" {
		t.Error("loaded key tokenizes differently")
	}
	raw, _ := os.ReadFile(path)
	if bytes.Contains([]byte(k.String()), raw) || strings.Contains(k.String(), "MDEy") {
		t.Errorf("String() %q shows the secret", k.String())
	}
}

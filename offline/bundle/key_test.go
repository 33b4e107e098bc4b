package bundle_test

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	k, err := bundle.GenerateSigningKey("k1", rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	priv, pub := filepath.Join(dir, "k1.key"), filepath.Join(dir, "k1.pub")
	if err := bundle.SaveSigningKey(priv, k); err != nil {
		t.Fatal(err)
	}
	if err := bundle.SavePublicKey(pub, k.Public()); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(priv); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("signing key file mode %v, %v; want 0600", fi.Mode(), err)
	}
	k2, err := bundle.LoadSigningKey(priv)
	if err != nil || !k2.Public().Key.Equal(k.Public().Key) || k2.ID() != "k1" {
		t.Fatalf("LoadSigningKey = %v, %v", k2, err)
	}
	ring, err := bundle.LoadKeyRing(pub)
	if err != nil || !ring["k1"].Equal(k.Public().Key) {
		t.Fatalf("LoadKeyRing = %v, %v", ring, err)
	}
	if err := bundle.SaveSigningKey(priv, k); !errors.Is(err, os.ErrExist) {
		t.Errorf("second SaveSigningKey = %v, want ErrExist", err)
	}
	if err := bundle.SavePublicKey(pub, k.Public()); !errors.Is(err, os.ErrExist) {
		t.Errorf("second SavePublicKey = %v, want ErrExist", err)
	}
}

// TestKeyNeverShown formats a signing key every way fmt can and looks for
// its seed.
func TestKeyNeverShown(t *testing.T) {
	k := bundletest.Key(t)
	dir := t.TempDir()
	path := filepath.Join(dir, "k.key")
	if err := bundle.SaveSigningKey(path, k); err != nil {
		t.Fatal(err)
	}
	text, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	seed := strings.Fields(string(text))[3]
	type holder struct{ K *bundle.SigningKey }
	out := fmt.Sprintf("%v %+v %#v %s %v %+v %#v", k, k, k, k, holder{k}, holder{k}, holder{k})
	if strings.Contains(out, seed) || !strings.Contains(out, "list signing key test") {
		t.Errorf("formatted key: %s", out)
	}
}

func TestParseKeyRefuses(t *testing.T) {
	pubLine := "karta-list-public-key v1 k1 " + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	tests := map[string]string{
		"empty":             "",
		"token key file":    "karta-token-key v1 k1 a2tra2tra2tra2tra2tra2tra2tra2tra2tra2tra2s",
		"signing as public": "karta-list-signing-key v1 k1 " + base64.RawURLEncoding.EncodeToString(make([]byte, 32)),
		"version 2":         strings.Replace(pubLine, "v1", "v2", 1),
		"bad id":            strings.Replace(pubLine, " k1 ", " K_1 ", 1),
		"not base64url":     pubLine + "+/",
		"short key":         "karta-list-public-key v1 k1 AAAA",
		"extra field":       pubLine + " x",
	}
	for name, text := range tests {
		t.Run(name, func(t *testing.T) {
			if _, err := bundle.ParsePublicKey([]byte(text)); !errors.Is(err, bundle.ErrBadKey) {
				t.Errorf("ParsePublicKey = %v, want ErrBadKey", err)
			}
		})
	}
	if _, err := bundle.ParsePublicKey([]byte(pubLine + "\n")); err != nil {
		t.Errorf("good line: %v", err)
	}
	if _, err := bundle.ParseSigningKey([]byte("karta-list-signing-key v1 k1 AAAA")); !errors.Is(err, bundle.ErrBadKey) {
		t.Errorf("short seed: %v", err)
	}
}

func TestKeyRing(t *testing.T) {
	k1, k1b := bundletest.NewKey(t, "k1"), bundletest.Key(t)
	ring, err := bundle.NewKeyRing(k1.Public(), k1.Public())
	if err != nil || len(ring) != 1 {
		t.Fatalf("NewKeyRing of the same key twice = %v, %v", ring, err)
	}
	same := bundle.PublicKey{ID: "k1", Key: k1b.Public().Key}
	if err := ring.Add(same); !errors.Is(err, bundle.ErrBadKey) {
		t.Errorf("two keys under one id: %v", err)
	}
	if err := ring.Add(bundle.PublicKey{ID: "k2", Key: []byte("short")}); !errors.Is(err, bundle.ErrBadKey) {
		t.Errorf("short key: %v", err)
	}
	if _, err := bundle.GenerateSigningKey("k1", strings.NewReader("too short")); err == nil {
		t.Error("GenerateSigningKey read a short seed")
	}
}

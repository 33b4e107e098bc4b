package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/offline/bundle"
	"karta/offline/token"
)

func TestKeysGenSigning(t *testing.T) {
	dir := t.TempDir()
	out, errOut, code := karta(t, "keys", "gen-signing", "--id", "k1", "--out", dir)
	if code != 0 || errOut != "" || !strings.Contains(out, "list-public-k1.pub") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	priv, pub := filepath.Join(dir, "list-signing-k1.key"), filepath.Join(dir, "list-public-k1.pub")
	k, err := bundle.LoadSigningKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	p, err := bundle.LoadPublicKey(pub)
	if err != nil || !p.Key.Equal(k.Public().Key) || p.ID != "k1" {
		t.Fatalf("public key %v, %v does not match the signing key", p, err)
	}
	if fi, err := os.Stat(priv); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("signing key mode %v, %v", fi.Mode(), err)
	}
	_, errOut, code = karta(t, "keys", "gen-signing", "--id", "k1", "--out", dir)
	if code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("second run: exit %d, stderr %q; want a refusal to overwrite", code, errOut)
	}
	if k2, err := bundle.LoadSigningKey(priv); err != nil || !k2.Public().Key.Equal(k.Public().Key) {
		t.Error("the refused second run changed the key file")
	}
}

func TestKeysGenToken(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t1.key")
	out, _, code := karta(t, "keys", "gen-token", "--id", "t1", "--out", path)
	if code != 0 || !strings.Contains(out, "token key t1") {
		t.Fatalf("exit %d, stdout %q", code, out)
	}
	k, err := token.LoadKey(path)
	if err != nil || k.ID() != "t1" {
		t.Fatalf("LoadKey = %v, %v", k, err)
	}
	if _, errOut, code := karta(t, "keys", "gen-token", "--id", "t1", "--out", path); code != 1 || !strings.Contains(errOut, "exists") {
		t.Errorf("second run: exit %d, stderr %q", code, errOut)
	}
}

func TestKeysBadInput(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"signing without id", []string{"keys", "gen-signing", "--out", dir}, 2, "--id ID and --out DIR are required"},
		{"signing bad id", []string{"keys", "gen-signing", "--id", "K_1", "--out", dir}, 1, "bad key"},
		{"signing into a missing dir", []string{"keys", "gen-signing", "--id", "k1", "--out", filepath.Join(dir, "none")}, 1, "no such file"},
		{"token without out", []string{"keys", "gen-token", "--id", "t1"}, 2, "--id ID and --out FILE are required"},
		{"token bad id", []string{"keys", "gen-token", "--id", "T1", "--out", filepath.Join(dir, "t")}, 1, "bad key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := karta(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

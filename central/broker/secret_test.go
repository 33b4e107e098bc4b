package broker_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"karta/central/broker"
)

func TestSecretFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "var", "central.secret")
	if _, err := broker.ReadSecret(path); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("ReadSecret of a missing file = %v", err)
	}
	made, err := broker.LoadSecret(path)
	if err != nil || len(made) != 32 {
		t.Fatalf("LoadSecret made %d bytes, %v", len(made), err)
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("secret file %v, %v; want mode 0600", st.Mode(), err)
	}
	for _, load := range []func(string) ([]byte, error){broker.ReadSecret, broker.LoadSecret} {
		if again, err := load(path); err != nil || !bytes.Equal(again, made) {
			t.Errorf("read again: %v, same %v", err, bytes.Equal(again, made))
		}
	}
	for _, text := range []string{"not base64!\n", "c2hvcnQ\n", ""} { // garbage, 5 bytes, empty
		bad := filepath.Join(t.TempDir(), "bad.secret")
		os.WriteFile(bad, []byte(text), 0o600)
		for _, load := range []func(string) ([]byte, error){broker.ReadSecret, broker.LoadSecret} {
			if _, err := load(bad); err == nil {
				t.Errorf("secret %q accepted", text)
			}
		}
	}
}

package token

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
)

// The key file is one line: "karta-token-key v1 ID SECRET" with the secret
// in base64url. It is written with mode 0600.
const keyFileMagic = "karta-token-key v1"

// MarshalText encodes the key, secret included, for a key file.
func (k *Key) MarshalText() ([]byte, error) { return k.text(), nil }

func (k *Key) text() []byte {
	return fmt.Appendf(nil, "%s %s %s\n", keyFileMagic, k.id, base64.RawURLEncoding.EncodeToString(k.secret))
}

// ParseKey decodes a key file's contents.
func ParseKey(text []byte) (*Key, error) {
	f := strings.Fields(string(bytes.TrimSpace(text)))
	if len(f) != 4 || f[0]+" "+f[1] != keyFileMagic {
		return nil, fmt.Errorf("%w: not a %q file", ErrBadKey, keyFileMagic)
	}
	secret, err := base64.RawURLEncoding.DecodeString(f[3])
	if err != nil {
		return nil, fmt.Errorf("%w: secret is not base64url: %v", ErrBadKey, err)
	}
	return NewKey(f[2], secret)
}

// LoadKey reads a key file.
func LoadKey(path string) (*Key, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("token: %w", err)
	}
	k, err := ParseKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// SaveKey writes a key file readable by its owner only. It refuses to
// overwrite an existing file.
func SaveKey(path string, k *Key) error {
	b := k.text()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("token: %w", err)
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return fmt.Errorf("token: write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("token: sync %s: %w", path, err)
	}
	return f.Close()
}

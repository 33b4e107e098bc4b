package broker

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// The secret device passwords derive from is kept in a file of one line,
// base64url without padding, mode 0600.

// ReadSecret reads the secret file; a missing file is an error wrapping
// fs.ErrNotExist.
func ReadSecret(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("broker: secret: %w", err)
	}
	secret, err := base64.RawURLEncoding.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(secret) < 16 {
		return nil, fmt.Errorf("broker: %s is not a base64url secret of 16 bytes or more", path)
	}
	return secret, nil
}

// LoadSecret reads the secret file, making a new secret there the first
// time.
func LoadSecret(path string) ([]byte, error) {
	secret, err := ReadSecret(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return secret, err
	}
	secret = make([]byte, 32)
	rand.Read(secret) // crypto/rand does not fail on Linux
	text := base64.RawURLEncoding.EncodeToString(secret)
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("broker: secret: %w", err)
	}
	if err := os.WriteFile(path, []byte(text+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("broker: secret: %w", err)
	}
	return secret, nil
}

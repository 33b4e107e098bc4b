package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Errors of this package.
var (
	ErrBadKey   = errors.New("token: bad key")
	ErrBadToken = errors.New("token: malformed token")
)

const (
	// MinSecret is the shortest secret accepted, in bytes.
	MinSecret = 16
	macBytes  = 15 // 120 bits: 20 base64url characters, no padding
	maxIDLen  = 16
)

// Key is a token key: an id and a secret.
type Key struct {
	id     string
	secret []byte
}

// NewKey checks and copies a key. The id is 1-16 of [a-z0-9-].
func NewKey(id string, secret []byte) (*Key, error) {
	if !validID(id) {
		return nil, fmt.Errorf("%w: id %q is not 1-%d of [a-z0-9-]", ErrBadKey, id, maxIDLen)
	}
	if len(secret) < MinSecret {
		return nil, fmt.Errorf("%w: secret of %d bytes, want at least %d", ErrBadKey, len(secret), MinSecret)
	}
	return &Key{id: id, secret: append([]byte(nil), secret...)}, nil
}

// Generate makes a new key with a 32-byte secret from rand.
func Generate(id string, rand io.Reader) (*Key, error) {
	secret := make([]byte, 32)
	if _, err := io.ReadFull(rand, secret); err != nil {
		return nil, fmt.Errorf("token: generate key: %w", err)
	}
	return NewKey(id, secret)
}

// ID is the key id carried in every token.
func (k *Key) ID() string { return k.id }

// String names the key without its secret.
func (k *Key) String() string { return "token key " + k.id }

// PANToken returns the token of a card number given as ASCII digits.
func (k *Key) PANToken(pan []byte) string { return k.token("pan", pan) }

// PARToken returns the token of a payment account reference.
func (k *Key) PARToken(par []byte) string { return k.token("par", par) }

func (k *Key) token(domain string, v []byte) string {
	m := hmac.New(sha256.New, k.secret)
	m.Write([]byte("karta/" + domain + "/v1\x00"))
	m.Write(v)
	return k.id + "." + base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:macBytes])
}

// KeyID returns the key id of a well-formed token.
func KeyID(tok string) (string, error) {
	id, mac, ok := strings.Cut(tok, ".")
	if !ok || !validID(id) || len(mac) != 20 {
		return "", fmt.Errorf("%w: %q", ErrBadToken, tok)
	}
	if _, err := base64.RawURLEncoding.DecodeString(mac); err != nil {
		return "", fmt.Errorf("%w: %q", ErrBadToken, tok)
	}
	return id, nil
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > maxIDLen {
		return false
	}
	for _, c := range id {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

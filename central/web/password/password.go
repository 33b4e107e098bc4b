package password

import (
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Bounds and defaults.
const (
	DefaultIterations = 600_000
	MinIterations     = 1 // tests use few; Hash's callers choose
	MaxIterations     = 10_000_000
	MinLength         = 10  // characters
	MaxLength         = 256 // bytes: longer is not a password but an attack on the hash's time
	saltLen, keyLen   = 16, 32
	scheme            = "pbkdf2-sha256"
)

// Errors of this package.
var (
	ErrTooShort  = fmt.Errorf("password: shorter than %d characters", MinLength)
	ErrTooLong   = fmt.Errorf("password: longer than %d bytes", MaxLength)
	ErrMalformed = errors.New("password: malformed hash")
)

// Hash returns the hash of pw with iterations (0: DefaultIterations), or
// ErrTooShort / ErrTooLong.
func Hash(pw string, iterations int) (string, error) {
	if err := Acceptable(pw); err != nil {
		return "", err
	}
	if iterations == 0 {
		iterations = DefaultIterations
	}
	if iterations < MinIterations || iterations > MaxIterations {
		return "", fmt.Errorf("password: %d iterations (%d..%d)", iterations, MinIterations, MaxIterations)
	}
	salt := make([]byte, saltLen)
	rand.Read(salt) // crypto/rand never fails on Linux
	key, err := pbkdf2.Key(sha256.New, pw, salt, iterations, keyLen)
	if err != nil {
		return "", fmt.Errorf("password: %w", err)
	}
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("%s$%d$%s$%s", scheme, iterations, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// Acceptable says why pw may not become a password, or nil.
func Acceptable(pw string) error {
	switch {
	case len(pw) > MaxLength:
		return ErrTooLong
	case utf8.RuneCountInString(pw) < MinLength:
		return ErrTooShort
	}
	return nil
}

// Check says whether pw matches hash; a malformed hash is an error.
func Check(hash, pw string) (bool, error) {
	p, err := Parse(hash)
	if err != nil {
		return false, err
	}
	if len(pw) > MaxLength {
		return false, nil
	}
	key, err := pbkdf2.Key(sha256.New, pw, p.Salt, p.Iterations, len(p.Key))
	if err != nil {
		return false, fmt.Errorf("password: %w", err)
	}
	return subtle.ConstantTimeCompare(key, p.Key) == 1, nil
}

// Parsed is a hash taken apart.
type Parsed struct {
	Iterations int
	Salt, Key  []byte
}

// Parse takes a hash apart, or says ErrMalformed. It never shows the
// hash in its errors.
func Parse(hash string) (Parsed, error) {
	parts := strings.Split(hash, "$")
	if len(parts) != 4 || parts[0] != scheme {
		return Parsed{}, fmt.Errorf("%w: want %s$ITERATIONS$SALT$KEY", ErrMalformed, scheme)
	}
	var p Parsed
	var err error
	p.Iterations, err = strconv.Atoi(parts[1])
	if err != nil || p.Iterations < MinIterations || p.Iterations > MaxIterations || parts[1] != strconv.Itoa(p.Iterations) {
		return Parsed{}, fmt.Errorf("%w: iterations not in %d..%d", ErrMalformed, MinIterations, MaxIterations)
	}
	b64 := base64.RawStdEncoding.Strict()
	p.Salt, err = b64.DecodeString(parts[2])
	if err != nil || len(p.Salt) < 8 || len(p.Salt) > 64 {
		return Parsed{}, fmt.Errorf("%w: salt is not 8-64 bytes of base64", ErrMalformed)
	}
	p.Key, err = b64.DecodeString(parts[3])
	if err != nil || len(p.Key) < 16 || len(p.Key) > 64 {
		return Parsed{}, fmt.Errorf("%w: key is not 16-64 bytes of base64", ErrMalformed)
	}
	return p, nil
}

package bundle

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"fmt"
	"os"
	"strings"
)

// Key files are one line each, the key in base64url without padding:
//
//	karta-list-signing-key v1 ID SEED   (32-byte Ed25519 seed, mode 0600)
//	karta-list-public-key v1 ID KEY     (32-byte Ed25519 public key)
const (
	signingMagic = "karta-list-signing-key v1"
	publicMagic  = "karta-list-public-key v1"
)

var b64 = base64.RawURLEncoding

// MarshalText encodes the public key file line.
func (p PublicKey) MarshalText() ([]byte, error) { return p.text(), nil }

func (p PublicKey) text() []byte {
	return fmt.Appendf(nil, "%s %s %s\n", publicMagic, p.ID, b64.EncodeToString(p.Key))
}

func (k *SigningKey) text() []byte {
	return fmt.Appendf(nil, "%s %s %s\n", signingMagic, k.id, b64.EncodeToString(k.priv.Seed()))
}

// ParseSigningKey decodes a signing key file's contents.
func ParseSigningKey(text []byte) (*SigningKey, error) {
	id, seed, err := parseKeyLine(text, signingMagic)
	if err != nil {
		return nil, err
	}
	return NewSigningKey(id, seed)
}

// ParsePublicKey decodes a public key file's contents.
func ParsePublicKey(text []byte) (PublicKey, error) {
	id, key, err := parseKeyLine(text, publicMagic)
	if err != nil {
		return PublicKey{}, err
	}
	p := PublicKey{ID: id, Key: ed25519.PublicKey(key)}
	if err := (KeyRing{}).Add(p); err != nil {
		return PublicKey{}, err
	}
	return p, nil
}

// parseKeyLine splits "MAGIC v1 ID BASE64URL". Its errors never show the
// key bytes.
func parseKeyLine(text []byte, magic string) (id string, key []byte, err error) {
	f := strings.Fields(string(bytes.TrimSpace(text)))
	if len(f) != 4 || f[0]+" "+f[1] != magic {
		return "", nil, fmt.Errorf("%w: not a %q file", ErrBadKey, magic)
	}
	if key, err = b64.DecodeString(f[3]); err != nil {
		return "", nil, fmt.Errorf("%w: key %s is not base64url", ErrBadKey, f[2])
	}
	return f[2], key, nil
}

// LoadSigningKey reads a signing key file.
func LoadSigningKey(path string) (*SigningKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	k, err := ParseSigningKey(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return k, nil
}

// LoadPublicKey reads a public key file.
func LoadPublicKey(path string) (PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return PublicKey{}, fmt.Errorf("bundle: %w", err)
	}
	p, err := ParsePublicKey(b)
	if err != nil {
		return PublicKey{}, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

// LoadKeyRing reads public key files into a ring.
func LoadKeyRing(paths ...string) (KeyRing, error) {
	r := KeyRing{}
	for _, path := range paths {
		p, err := LoadPublicKey(path)
		if err != nil {
			return nil, err
		}
		if err := r.Add(p); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return r, nil
}

// SaveSigningKey writes a signing key file readable by its owner only.
// Like SavePublicKey, it refuses to overwrite an existing file.
func SaveSigningKey(path string, k *SigningKey) error { return writeNew(path, k.text(), 0o600) }

// SavePublicKey writes a public key file.
func SavePublicKey(path string, p PublicKey) error { return writeNew(path, p.text(), 0o644) }

func writeNew(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("bundle: %w", err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // a partial key file would block the retry
		return fmt.Errorf("bundle: write %s: %w", path, err)
	}
	return nil
}

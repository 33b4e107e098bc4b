package bundle

import (
	"crypto/ed25519"
	"fmt"
	"io"
	"slices"
	"strings"
)

const maxIDLen = 16

// SigningKey is a list signing key: an id and an Ed25519 private key. It
// lives at central only; devices hold its PublicKey.
type SigningKey struct {
	id   string
	priv ed25519.PrivateKey
}

// GenerateSigningKey makes a new key from rand (crypto/rand.Reader).
func GenerateSigningKey(id string, rand io.Reader) (*SigningKey, error) {
	seed := make([]byte, ed25519.SeedSize)
	if _, err := io.ReadFull(rand, seed); err != nil {
		return nil, fmt.Errorf("bundle: generate key %s: %w", id, err)
	}
	return NewSigningKey(id, seed)
}

// NewSigningKey makes the key of a 32-byte seed. The same seed always
// gives the same key, which is what tests with fixed keys want.
func NewSigningKey(id string, seed []byte) (*SigningKey, error) {
	if err := checkID(id); err != nil {
		return nil, err
	}
	if len(seed) != ed25519.SeedSize {
		return nil, fmt.Errorf("%w: seed of %d bytes, want %d", ErrBadKey, len(seed), ed25519.SeedSize)
	}
	return &SigningKey{id: id, priv: ed25519.NewKeyFromSeed(seed)}, nil
}

// ID names the key in manifests and key files.
func (k *SigningKey) ID() string { return k.id }

// Public returns the half devices pin.
func (k *SigningKey) Public() PublicKey {
	return PublicKey{ID: k.id, Key: k.priv.Public().(ed25519.PublicKey)}
}

// String names the key without its secret; so does GoString (%#v).
func (k *SigningKey) String() string   { return "list signing key " + k.id }
func (k *SigningKey) GoString() string { return k.String() }

func (k *SigningKey) sign(msg []byte) []byte { return ed25519.Sign(k.priv, msg) }

// Sign signs msg with the key: for the other signed messages central sends
// devices (config, commands), which carry the key id beside the signature.
func (k *SigningKey) Sign(msg []byte) []byte { return k.sign(msg) }

// Verify checks that the key id of ring made sig over msg: ErrUnknownKey
// for an id the ring lacks, ErrBadSignature for a signature that does not
// match.
func (r KeyRing) Verify(id string, msg, sig []byte) error {
	pub, ok := r[id]
	if !ok {
		return fmt.Errorf("%w: key %s; trusted: %s", ErrUnknownKey, id, trusted(r))
	}
	if len(sig) != ed25519.SignatureSize || !ed25519.Verify(pub, msg, sig) {
		return fmt.Errorf("%w: key %s", ErrBadSignature, id)
	}
	return nil
}

// PublicKey is the public half of a SigningKey, as devices pin it.
type PublicKey struct {
	ID  string
	Key ed25519.PublicKey
}

// KeyRing is the signing keys a device trusts, by key id.
type KeyRing map[string]ed25519.PublicKey

// NewKeyRing makes a ring of keys; see Add.
func NewKeyRing(keys ...PublicKey) (KeyRing, error) {
	r := KeyRing{}
	for _, k := range keys {
		if err := r.Add(k); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Add trusts k. It refuses a bad key and a second, different key under an
// id already in the ring.
func (r KeyRing) Add(k PublicKey) error {
	if err := checkID(k.ID); err != nil {
		return err
	}
	if len(k.Key) != ed25519.PublicKeySize {
		return fmt.Errorf("%w: public key %s of %d bytes, want %d", ErrBadKey, k.ID, len(k.Key), ed25519.PublicKeySize)
	}
	if old, ok := r[k.ID]; ok && !old.Equal(k.Key) {
		return fmt.Errorf("%w: two different public keys with id %s", ErrBadKey, k.ID)
	}
	r[k.ID] = slices.Clone(k.Key)
	return nil
}

// IDs returns the trusted key ids, sorted.
func (r KeyRing) IDs() []string {
	ids := make([]string, 0, len(r))
	for id := range r {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// checkID accepts 1-16 of [a-z0-9-], like token key ids: ids appear in
// file names and manifests.
func checkID(id string) error {
	if id == "" || len(id) > maxIDLen || strings.Trim(id, "abcdefghijklmnopqrstuvwxyz0123456789-") != "" {
		return fmt.Errorf("%w: id %q is not 1-%d of [a-z0-9-]", ErrBadKey, id, maxIDLen)
	}
	return nil
}

package bundle

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// envelope is a signed manifest as it travels: the manifest's exact bytes,
// the Ed25519 signature over them, and the id of the key that made it. In
// JSON, manifest and sig are standard base64:
//
//	{"key_id":"k1","manifest":"eyJmb3JtYXQiOjEs...","sig":"3q2+7w..."}
type envelope struct {
	KeyID    string `json:"key_id"`
	Manifest []byte `json:"manifest"`
	Sig      []byte `json:"sig"`
}

func signManifest(key *SigningKey, m *Manifest) ([]byte, error) {
	mb, err := m.marshal()
	if err != nil {
		return nil, err
	}
	return jsonEnvelope(envelope{KeyID: key.id, Manifest: mb, Sig: key.sign(mb)})
}

func jsonEnvelope(env envelope) ([]byte, error) {
	b, err := json.Marshal(env)
	if err != nil {
		return nil, fmt.Errorf("bundle: encode signed manifest: %w", err)
	}
	return b, nil
}

func decodeEnvelope(signed []byte) (*envelope, error) {
	if len(signed) > maxSigned {
		return nil, &Error{Kind: ErrFormat, Detail: fmt.Sprintf("signed manifest of %d bytes, at most %d", len(signed), maxSigned)}
	}
	var env envelope
	if err := json.Unmarshal(signed, &env); err != nil {
		return nil, &Error{Kind: ErrFormat, Detail: "not a signed manifest", Err: err}
	}
	if env.KeyID == "" || len(env.Manifest) == 0 || len(env.Sig) != ed25519.SignatureSize {
		return nil, &Error{Kind: ErrFormat, Detail: "signed manifest lacks key_id, manifest or a 64-byte sig"}
	}
	return &env, nil
}

// parse decodes the manifest bytes; it checks nothing else.
func (env *envelope) parse() (*Manifest, error) {
	var m Manifest
	d := json.NewDecoder(bytes.NewReader(env.Manifest))
	if err := d.Decode(&m); err != nil {
		return nil, &Error{Kind: ErrFormat, Detail: "manifest is not JSON", Err: err}
	}
	if d.More() {
		return nil, &Error{Kind: ErrFormat, Detail: "data after the manifest"}
	}
	return &m, nil
}

// PeekManifest decodes a signed manifest WITHOUT checking its signature or
// expiry: for showing what a file claims, never for trusting it.
func PeekManifest(signed []byte) (*Manifest, error) {
	env, err := decodeEnvelope(signed)
	if err != nil {
		return nil, err
	}
	return env.parse()
}

// VerifyManifest checks a signed manifest: a key of ring made the
// signature over exactly the manifest bytes, the manifest is of a known
// format and makes sense, and now is not after its expiry. Sync calls it on
// a manifest alone to decide whether to fetch the chunks; Open calls it
// first.
func VerifyManifest(signed []byte, ring KeyRing, now time.Time) (*Manifest, error) {
	env, err := decodeEnvelope(signed)
	if err != nil {
		return nil, err
	}
	claimed, _ := env.parse() // names the version in a refusal, trusted for nothing else
	pub, ok := ring[env.KeyID]
	if !ok {
		return nil, claimed.refuse(ErrUnknownKey, nil, "key %s; trusted: %s", env.KeyID, trusted(ring))
	}
	if !ed25519.Verify(pub, env.Manifest, env.Sig) {
		return nil, claimed.refuse(ErrBadSignature, nil, "key %s", env.KeyID)
	}
	return env.admit(now)
}

// admit checks the manifest bytes once the signature holds.
func (env *envelope) admit(now time.Time) (*Manifest, error) {
	m, err := env.parse()
	if err != nil {
		return nil, err
	}
	if err := m.check(); err != nil {
		return nil, err
	}
	if m.KeyID != env.KeyID {
		return nil, m.refuse(ErrFormat, nil, "signed by key %s, manifest names key %s", env.KeyID, m.KeyID)
	}
	if now.After(m.Expires) {
		return nil, m.refuse(ErrExpired, nil, "expired %s, device clock %s", stamp(m.Expires), stamp(now))
	}
	return m, nil
}

func trusted(ring KeyRing) string {
	if len(ring) == 0 {
		return "none"
	}
	return strings.Join(ring.IDs(), ", ")
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

package bundle

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"karta/offline"
)

// Format is the manifest format this package writes and reads.
const Format = 1

const (
	maxSigned   = 4 << 20  // bytes of a signed manifest
	maxChunk    = 16 << 20 // bytes of a chunk, compressed or inflated
	maxListName = 64
)

// Manifest describes one list version and the chunks that carry its ops.
// Central signs its JSON encoding; see the package doc.
type Manifest struct {
	Format  int       `json:"format"`
	List    string    `json:"list"`
	Version uint64    `json:"version"`
	Base    uint64    `json:"base"` // 0: a snapshot
	Issued  time.Time `json:"issued"`
	Expires time.Time `json:"expires"`
	Ops     int       `json:"ops"`
	Chunks  []Chunk   `json:"chunks"`
	KeyID   string    `json:"key_id"`
}

// Chunk is what the manifest says of one chunk: its size and the sha256 of
// its compressed bytes, in lowercase hex.
type Chunk struct {
	Size   int    `json:"size"`
	SHA256 string `json:"sha256"`
}

// ListVersion is what the list store needs to admit an install.
func (m *Manifest) ListVersion() offline.ListVersion {
	return offline.ListVersion{List: m.List, Version: m.Version, Base: m.Base,
		Issued: m.Issued, Expires: m.Expires, Ops: m.Ops}
}

// Snapshot reports whether the version replaces the list whole.
func (m *Manifest) Snapshot() bool { return m.Base == 0 }

// Name names the version for people: "list bus-fleet v42" or
// "list bus-fleet delta v41→v42".
func (m *Manifest) Name() string { return listName(m.List, m.Base, m.Version) }

// refuse makes the *Error of kind for this version. m may be nil: the
// manifest could not be read.
func (m *Manifest) refuse(kind, cause error, format string, args ...any) *Error {
	e := &Error{Kind: kind, Detail: fmt.Sprintf(format, args...), Err: cause}
	if m != nil {
		e.List, e.Version, e.Base = m.List, m.Version, m.Base
	}
	return e
}

// check tells whether a manifest that parsed makes sense.
func (m *Manifest) check() error {
	switch {
	case m.Format != Format:
		return m.refuse(ErrFormat, nil, "manifest format %d, this software reads %d", m.Format, Format)
	case !validListName(m.List):
		return m.refuse(ErrFormat, nil, "list name is not 1-%d of [a-z0-9._-]", maxListName)
	case m.Version == 0 || m.Base >= m.Version:
		return m.refuse(ErrFormat, nil, "version must be above 0 and above the base")
	case m.Issued.IsZero() || !m.Expires.After(m.Issued):
		return m.refuse(ErrFormat, nil, "expiry must come after issue")
	case m.Ops < 0:
		return m.refuse(ErrFormat, nil, "negative op count")
	case checkID(m.KeyID) != nil:
		return m.refuse(ErrFormat, nil, "bad key id")
	}
	return m.checkChunks()
}

func (m *Manifest) checkChunks() error {
	for i, c := range m.Chunks {
		if c.Size <= 0 || c.Size > maxChunk {
			return m.refuse(ErrFormat, nil, "chunk %d: size %d is not 1-%d", i+1, c.Size, maxChunk)
		}
		if b, err := hex.DecodeString(c.SHA256); err != nil || len(b) != 32 || strings.ToLower(c.SHA256) != c.SHA256 {
			return m.refuse(ErrFormat, nil, "chunk %d: sha256 is not 64 lowercase hex digits", i+1)
		}
	}
	return nil
}

func validListName(s string) bool {
	return s != "" && len(s) <= maxListName && s[0] != '.' &&
		strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == ""
}

// marshal is the canonical encoding central signs: compact JSON in field
// order, times in UTC to the second.
func (m *Manifest) marshal() ([]byte, error) {
	c := *m
	c.Issued, c.Expires = canonicalTime(m.Issued), canonicalTime(m.Expires)
	b, err := json.Marshal(&c)
	if err != nil {
		return nil, fmt.Errorf("bundle: encode manifest: %w", err)
	}
	return b, nil
}

func canonicalTime(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

package bundle

import (
	"crypto/sha256"
	"encoding/hex"
	"time"

	"karta/offline"
)

// Bundle is one list version as it travels: the signed manifest (the
// payload of lists/{list}/manifest) and the compressed chunks it names, in
// order. Nothing in it is trusted until Open.
type Bundle struct {
	Signed []byte
	Chunks [][]byte
}

// Verified is a bundle that passed every check of Open. It yields its ops
// (offline.OpSource) and names its version for the list store.
type Verified struct {
	r *opReader
}

var _ offline.OpSource = (*Verified)(nil)

// Open verifies b completely before handing out any op: the signature by a
// key of ring (ErrUnknownKey, ErrBadSignature), the manifest's format
// (ErrFormat) and expiry at now (ErrExpired), every chunk's presence, size
// and sha256 (ErrTruncated, ErrCorruptChunk), and then every op: its
// record (ErrBadOp), its entry (offline.ErrCorruptEntry), the token order
// (ErrOrder) and the count (ErrOpCount). Rollback and the base of a delta
// are the list store's to check.
//
// Open keeps b.Chunks without copying them; the caller must not change
// them while the Verified is in use.
func Open(b *Bundle, ring KeyRing, now time.Time) (*Verified, error) {
	m, err := VerifyManifest(b.Signed, ring, now)
	if err != nil {
		return nil, err
	}
	r, err := load(m, b.Chunks)
	if err != nil {
		return nil, err
	}
	return &Verified{r: r}, nil
}

// Manifest returns a copy of the verified manifest.
func (v *Verified) Manifest() Manifest { return *v.r.m }

// Version names what the bundle installs.
func (v *Verified) Version() offline.ListVersion { return v.r.m.ListVersion() }

// Next returns the next op, io.EOF after the last. Each op's Entry is
// freshly allocated and the caller's to keep.
func (v *Verified) Next() (offline.Op, error) { return v.r.Next() }

// Inspect checks b like Open does EXCEPT for the signature and the expiry,
// for tools that show or compare bundles (karta list diff). What it yields
// is authenticated by nothing: a device never installs from it. When only
// the chunks are bad, the manifest comes back with the error.
func Inspect(b *Bundle) (*Manifest, offline.OpSource, error) {
	m, err := PeekManifest(b.Signed)
	if err == nil {
		err = m.check()
	}
	if err != nil {
		return nil, nil, err
	}
	r, err := load(m, b.Chunks)
	if err != nil {
		return m, nil, err
	}
	return m, r, nil
}

// load checks the chunks against m, then walks every op once; it returns
// a reader at the first op.
func load(m *Manifest, chunks [][]byte) (*opReader, error) {
	if err := matchChunks(m, chunks); err != nil {
		return nil, err
	}
	r := &opReader{m: m, chunks: chunks}
	if err := r.validate(); err != nil {
		return nil, err
	}
	r.rewind()
	return r, nil
}

func matchChunks(m *Manifest, chunks [][]byte) error {
	if len(chunks) < len(m.Chunks) {
		return m.refuse(ErrTruncated, nil, "chunk %d of %d missing", len(chunks)+1, len(m.Chunks))
	}
	if len(chunks) > len(m.Chunks) {
		return m.refuse(ErrCorruptChunk, nil, "%d chunks, the manifest names %d", len(chunks), len(m.Chunks))
	}
	for i, c := range m.Chunks {
		if err := matchChunk(m, i, c, chunks[i]); err != nil {
			return err
		}
	}
	return nil
}

func matchChunk(m *Manifest, i int, want Chunk, got []byte) error {
	switch {
	case len(got) < want.Size:
		return m.refuse(ErrTruncated, nil, "chunk %d of %d: %d of %d bytes", i+1, len(m.Chunks), len(got), want.Size)
	case len(got) > want.Size:
		return m.refuse(ErrCorruptChunk, nil, "chunk %d of %d: %d bytes, the manifest says %d", i+1, len(m.Chunks), len(got), want.Size)
	}
	if sum := sha256.Sum256(got); hex.EncodeToString(sum[:]) != want.SHA256 {
		return m.refuse(ErrCorruptChunk, nil, "chunk %d of %d: sha256 differs from the manifest", i+1, len(m.Chunks))
	}
	return nil
}

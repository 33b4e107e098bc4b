package bundle

import (
	"fmt"

	"karta/offline"
)

const (
	// DefaultChunkSize is the inflated bytes a chunk holds by default:
	// small enough for one MQTT message.
	DefaultChunkSize = 256 << 10
	// MaxChunkSize is the largest Options.ChunkSize.
	MaxChunkSize = 4 << 20
)

// Options tune a Writer.
type Options struct {
	// ChunkSize is the inflated bytes after which a chunk is cut; a chunk
	// ends at an op, so it may hold a little more. 0: DefaultChunkSize.
	ChunkSize int
}

// Writer builds one list version. Add the ops in any order, then Sign:
// the Writer sorts them by token, cuts and compresses the chunks and signs
// the manifest. A token named twice is refused (ErrOrder), as is a delete
// in a snapshot or a token that is not a karta token (ErrBadOp).
type Writer struct {
	m       Manifest // list, version and base so far
	chunk   int
	recs    arena  // the records, in the order they came
	spans   []span // where each lies in recs; sorted by Sign
	scratch []byte // an entry's encoding
	rec     []byte // a record
	built   *built // the chunks, once the first Sign cut them
}

// NewSnapshot starts a snapshot: the whole list at version, puts only.
func NewSnapshot(list string, version uint64, opt Options) (*Writer, error) {
	return newWriter(list, 0, version, opt)
}

// NewDelta starts a delta that turns version base into version.
func NewDelta(list string, base, version uint64, opt Options) (*Writer, error) {
	if base == 0 {
		return nil, fmt.Errorf("%w: a delta of %s needs a base version above 0", ErrFormat, list)
	}
	return newWriter(list, base, version, opt)
}

func newWriter(list string, base, version uint64, opt Options) (*Writer, error) {
	w := &Writer{m: Manifest{Format: Format, List: list, Version: version, Base: base}, chunk: opt.ChunkSize}
	switch {
	case !validListName(list):
		return nil, fmt.Errorf("%w: list name %q is not 1-%d of [a-z0-9._-]", ErrFormat, list, maxListName)
	case version <= base:
		return nil, w.m.refuse(ErrFormat, nil, "version must be above 0 and above the base")
	case opt.ChunkSize < 0 || opt.ChunkSize > MaxChunkSize:
		return nil, w.m.refuse(ErrFormat, nil, "chunk size %d is not 0-%d", opt.ChunkSize, MaxChunkSize)
	case opt.ChunkSize == 0:
		w.chunk = DefaultChunkSize
	}
	return w, nil
}

// Put adds the entry e under e.Token.
func (w *Writer) Put(e *offline.Entry) error {
	if err := w.admit(e.Token); err != nil {
		return err
	}
	w.scratch = offline.AppendEntry(w.scratch[:0], e)
	if len(w.scratch) > maxEntry {
		return w.m.refuse(ErrBadOp, nil, "entry %s encodes to %d bytes, at most %d", e.Token, len(w.scratch), maxEntry)
	}
	w.rec = appendPut(w.rec[:0], e.Token, w.scratch)
	w.spans = append(w.spans, w.recs.add(w.rec, e.Token))
	return nil
}

// Delete adds the removal of token; only a delta may.
func (w *Writer) Delete(token string) error {
	if err := w.admit(token); err != nil {
		return err
	}
	if w.m.Snapshot() {
		return w.m.refuse(ErrBadOp, nil, "a snapshot holds only puts, not a delete of %s", token)
	}
	w.rec = appendDelete(w.rec[:0], token)
	w.spans = append(w.spans, w.recs.add(w.rec, token))
	return nil
}

// Add adds op: a put, or a delete when op.Entry is nil.
func (w *Writer) Add(op offline.Op) error {
	if op.Entry == nil {
		return w.Delete(op.Token)
	}
	if op.Entry.Token != op.Token {
		return w.m.refuse(ErrBadOp, nil, "op token %s, its entry's %s", op.Token, op.Entry.Token)
	}
	return w.Put(op.Entry)
}

// Len is the number of ops added.
func (w *Writer) Len() int { return len(w.spans) }

func (w *Writer) admit(tok string) error {
	switch {
	case w.built != nil:
		return w.m.refuse(ErrFormat, nil, "op added after Sign")
	case !validToken(tok):
		return w.m.refuse(ErrBadOp, nil, "op %d: not a karta token", len(w.spans)+1)
	}
	return nil
}

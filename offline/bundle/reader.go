package bundle

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"karta/offline"
)

// opReader walks the op records of some of a bundle's chunks in order,
// inflating one chunk at a time into a buffer it reuses.
type opReader struct {
	m      *Manifest
	chunks [][]byte
	first  int // the index in the bundle of chunks[0], to name chunks
	next   int // the index in chunks of the chunk to inflate next
	zr     *gzip.Reader
	buf    bytes.Buffer // the inflated chunk
	rest   []byte       // its records not read yet
	n      int          // records of the current chunk read so far
}

// record returns the next record, io.EOF after the last.
func (r *opReader) record() (record, error) {
	for len(r.rest) == 0 {
		if r.next == len(r.chunks) {
			return record{}, io.EOF
		}
		if err := r.inflate(); err != nil {
			return record{}, err
		}
	}
	rec, rest, err := nextRecord(r.rest)
	if err != nil {
		return record{}, r.at(r.n+1).refuse(ErrBadOp, err, "")
	}
	r.rest = rest
	r.n++
	return rec, nil
}

func (r *opReader) inflate() error {
	r.next, r.n = r.next+1, 0
	err := r.resetGzip(bytes.NewReader(r.chunks[r.next-1]))
	if err == nil {
		r.buf.Reset()
		_, err = r.buf.ReadFrom(io.LimitReader(r.zr, maxChunk+1))
	}
	if err == nil && r.buf.Len() > maxChunk {
		err = fmt.Errorf("inflates beyond %d bytes", maxChunk)
	}
	if err != nil {
		return r.m.refuse(ErrCorruptChunk, err, "chunk %d of %d does not inflate", r.chunk(), len(r.m.Chunks))
	}
	r.rest = r.buf.Bytes()
	return nil
}

func (r *opReader) resetGzip(src io.Reader) error {
	if r.zr == nil {
		var err error
		r.zr, err = gzip.NewReader(src)
		return err
	}
	return r.zr.Reset(src)
}

// chunk is the number, from 1, of the current chunk in the bundle.
func (r *opReader) chunk() int { return r.first + r.next }

// at names op number op (from 1) of the current chunk.
func (r *opReader) at(op int) where { return where{r.m, r.chunk(), op} }

// Next returns the next op, io.EOF after the last: it makes opReader an
// offline.OpSource.
func (r *opReader) Next() (offline.Op, error) {
	rec, err := r.record()
	if err != nil {
		return offline.Op{}, err
	}
	op := offline.Op{Token: string(rec.token)}
	if rec.kind == opPut {
		if op.Entry, err = offline.DecodeEntry(op.Token, rec.entry); err != nil {
			return offline.Op{}, r.at(r.n).refuse(ErrBadOp, err, "token %s", op.Token)
		}
	}
	return op, nil
}

// rewind goes back to the first op.
func (r *opReader) rewind() {
	r.next, r.rest, r.n = 0, nil, 0
}

package bundle

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"

	"karta/offline"
)

// opReader walks the op records of a bundle's chunks in order, inflating
// one chunk at a time into a buffer it reuses.
type opReader struct {
	m      *Manifest
	chunks [][]byte
	next   int // the chunk to inflate next
	zr     *gzip.Reader
	buf    bytes.Buffer // the inflated chunk
	rest   []byte       // its records not read yet
	n      int          // records read so far
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
		return record{}, r.badOp(r.n+1, err, "")
	}
	r.rest = rest
	r.n++
	return rec, nil
}

func (r *opReader) inflate() error {
	i := r.next
	r.next++
	err := r.resetGzip(bytes.NewReader(r.chunks[i]))
	if err == nil {
		r.buf.Reset()
		_, err = r.buf.ReadFrom(io.LimitReader(r.zr, maxChunk+1))
	}
	if err == nil && r.buf.Len() > maxChunk {
		err = fmt.Errorf("inflates beyond %d bytes", maxChunk)
	}
	if err != nil {
		return r.m.refuse(ErrCorruptChunk, err, "chunk %d of %d does not inflate", i+1, len(r.chunks))
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

// badOp refuses op number op (from 1) of the current chunk, saying where.
func (r *opReader) badOp(op int, cause error, format string, args ...any) error {
	return r.opError(ErrBadOp, op, cause, format, args...)
}

func (r *opReader) opError(kind error, op int, cause error, format string, args ...any) error {
	where := fmt.Sprintf("chunk %d, op %d", r.next, op)
	if format != "" {
		where += ": " + fmt.Sprintf(format, args...)
	}
	return r.m.refuse(kind, cause, "%s", where)
}

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
			return offline.Op{}, r.badOp(r.n, err, "token %s", op.Token)
		}
	}
	return op, nil
}

// rewind goes back to the first op.
func (r *opReader) rewind() {
	r.next, r.rest, r.n = 0, nil, 0
}

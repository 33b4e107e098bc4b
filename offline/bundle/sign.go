package bundle

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"time"
)

// level is the gzip level of chunks: tokens are random and barely
// compress, so a higher level buys little and costs build time.
const level = gzip.BestSpeed

// built is what the first Sign computes once: the sorted ops cut into
// compressed chunks.
type built struct {
	chunks [][]byte
	meta   []Chunk
}

// Sign sorts and cuts the ops (on its first call) and signs a manifest
// issued at issued that expires at expires, both kept to the second in
// UTC. Sign may be called again, with another key or other times; the
// chunks are shared.
func (w *Writer) Sign(key *SigningKey, issued, expires time.Time) (*Bundle, error) {
	if w.built == nil {
		if err := w.build(); err != nil {
			return nil, err
		}
	}
	m := w.m
	m.Issued, m.Expires = canonicalTime(issued), canonicalTime(expires)
	m.Ops, m.Chunks, m.KeyID = len(w.spans), w.built.meta, key.id
	if err := m.check(); err != nil {
		return nil, err
	}
	signed, err := signManifest(key, &m)
	if err != nil {
		return nil, err
	}
	return &Bundle{Signed: signed, Chunks: w.built.chunks}, nil
}

func (w *Writer) build() error {
	slices.SortFunc(w.spans, w.recs.compare)
	for i := 1; i < len(w.spans); i++ {
		if w.recs.compare(w.spans[i-1], w.spans[i]) == 0 {
			tok := w.recs.token(w.spans[i])
			return w.m.refuse(ErrOrder, nil, "token %s appears twice", tok)
		}
	}
	b, err := w.compress(w.cuts())
	if err != nil {
		return err
	}
	w.built = b
	return nil
}

// cuts returns where chunks start in the sorted spans, and len(spans).
func (w *Writer) cuts() []int {
	cuts := []int{0}
	size := 0
	for i, s := range w.spans {
		size += int(s.end - s.start)
		if size >= w.chunk {
			cuts, size = append(cuts, i+1), 0
		}
	}
	if size > 0 {
		cuts = append(cuts, len(w.spans))
	}
	return cuts
}

// compress deflates the chunks on every CPU; each worker reuses its
// buffers. The output does not depend on the scheduling.
func (w *Writer) compress(cuts []int) (*built, error) {
	n := len(cuts) - 1
	b := &built{chunks: make([][]byte, n), meta: make([]Chunk, n)}
	errs := make([]error, n)
	parallel(n, newCompressor, func(c *compressor, i int) {
		b.chunks[i], errs[i] = c.chunk(w, i, w.spans[cuts[i]:cuts[i+1]])
		sum := sha256.Sum256(b.chunks[i])
		b.meta[i] = Chunk{Size: len(b.chunks[i]), SHA256: hex.EncodeToString(sum[:])}
	})
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// compressor is one worker's gzip writer and buffers.
type compressor struct {
	raw []byte
	out bytes.Buffer
	zw  *gzip.Writer
}

func newCompressor() *compressor {
	c := &compressor{}
	zw, err := gzip.NewWriterLevel(&c.out, level)
	if err != nil {
		panic(err) // level is a valid constant
	}
	c.zw = zw
	return c
}

// chunk gathers the records of spans, checks them as Open will, and
// compresses them into a new slice.
func (c *compressor) chunk(w *Writer, i int, spans []span) ([]byte, error) {
	c.raw = c.raw[:0]
	for _, s := range spans {
		c.raw = append(c.raw, w.recs.record(s)...)
	}
	if s := checkOps(&w.m, i+1, c.raw); s.err != nil {
		return nil, s.err
	}
	c.out.Reset()
	c.zw.Reset(&c.out)
	if _, err := c.zw.Write(c.raw); err != nil {
		return nil, fmt.Errorf("bundle: compress: %w", err)
	}
	if err := c.zw.Close(); err != nil {
		return nil, fmt.Errorf("bundle: compress: %w", err)
	}
	return bytes.Clone(c.out.Bytes()), nil
}

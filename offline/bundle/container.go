package bundle

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
)

// The file container, for USB sticks and single-file transfer:
//
//	"KARTA-BUNDLE 1\n"
//	length(4, big-endian) signed manifest
//	length(4, big-endian) chunk     -- once per chunk, in order, to the end
const magic = "KARTA-BUNDLE 1\n"

// WriteTo writes b in the file container.
func (b *Bundle) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	io.WriteString(cw, magic)
	cw.block(b.Signed)
	for _, c := range b.Chunks {
		cw.block(c)
	}
	if cw.err != nil {
		return cw.n, fmt.Errorf("bundle: write: %w", cw.err)
	}
	return cw.n, nil
}

// countWriter counts what it writes and keeps the first error; after it,
// writes do nothing.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (cw *countWriter) Write(p []byte) (int, error) {
	if cw.err != nil {
		return 0, cw.err
	}
	n, err := cw.w.Write(p)
	cw.n += int64(n)
	cw.err = err
	return n, err
}

func (cw *countWriter) block(p []byte) {
	cw.Write(binary.BigEndian.AppendUint32(nil, uint32(len(p))))
	cw.Write(p)
}

// ReadFile reads a bundle file; see Read.
func ReadFile(path string) (*Bundle, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	b, err := parseContainer(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return b, nil
}

// Read reads a bundle in the file container. It checks the container
// only (ErrFormat, ErrTruncated): the contents are Open's to verify.
func Read(r io.Reader) (*Bundle, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("bundle: read: %w", err)
	}
	return parseContainer(data)
}

// parseContainer splits data; the bundle's slices point into it.
func parseContainer(data []byte) (*Bundle, error) {
	rest, ok := bytes.CutPrefix(data, []byte(magic))
	if !ok {
		return nil, &Error{Kind: ErrFormat, Detail: "not a karta bundle file: no KARTA-BUNDLE 1 line"}
	}
	signed, rest, err := block(rest, maxSigned, "signed manifest")
	if err != nil {
		return nil, err
	}
	b := &Bundle{Signed: signed}
	for len(rest) > 0 {
		var c []byte
		if c, rest, err = block(rest, maxChunk, fmt.Sprintf("chunk %d", len(b.Chunks)+1)); err != nil {
			return nil, err
		}
		b.Chunks = append(b.Chunks, c)
	}
	return b, nil
}

func block(b []byte, max int, what string) (blk, rest []byte, err error) {
	if len(b) < 4 {
		return nil, nil, &Error{Kind: ErrTruncated, Detail: what + ": length cut short"}
	}
	// Compare as uint64: on 32-bit ARM int(0xFFFFFFFF) is -1, which would
	// pass both checks below and then panic in the slice.
	n64 := uint64(binary.BigEndian.Uint32(b))
	switch {
	case n64 > uint64(max):
		return nil, nil, &Error{Kind: ErrFormat, Detail: fmt.Sprintf("%s of %d bytes, at most %d", what, n64, max)}
	case uint64(len(b)-4) < n64:
		return nil, nil, &Error{Kind: ErrTruncated, Detail: fmt.Sprintf("%s: %d of %d bytes", what, len(b)-4, n64)}
	}
	n := int(n64)
	return b[4 : 4+n : 4+n], b[4+n:], nil
}

package bundle

import (
	"encoding/binary"
	"errors"
)

// An op record, inflated:
//
//	kind(1)  token(uvarint length, bytes)  [put: entry(uvarint length, bytes)]
//
// kind is opPut or opDelete; the entry bytes are offline.AppendEntry's.
const (
	opPut    = 1
	opDelete = 2
	maxToken = 64       // a karta token is at most 37 bytes
	maxEntry = 64 << 10 // an entry's encoding; real ones are under 200 bytes
)

// record is one decoded op record; its slices point into an inflated chunk.
type record struct {
	kind         byte
	token, entry []byte
}

func appendPut(b []byte, tok string, entry []byte) []byte {
	b = appendToken(append(b, opPut), tok)
	b = binary.AppendUvarint(b, uint64(len(entry)))
	return append(b, entry...)
}

func appendDelete(b []byte, tok string) []byte {
	return appendToken(append(b, opDelete), tok)
}

func appendToken(b []byte, tok string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(tok))), tok...)
}

var (
	errShort = errors.New("record cut short")
	errKind  = errors.New("unknown op kind")
	errLen   = errors.New("length out of range")
)

// nextRecord decodes the record at the start of b and returns the rest.
func nextRecord(b []byte) (record, []byte, error) {
	if len(b) == 0 {
		return record{}, nil, errShort
	}
	rec := record{kind: b[0]}
	if rec.kind != opPut && rec.kind != opDelete {
		return record{}, nil, errKind
	}
	tok, b, err := field(b[1:], maxToken)
	if err != nil || rec.kind == opDelete {
		rec.token = tok
		return rec, b, err
	}
	rec.token = tok
	rec.entry, b, err = field(b, maxEntry)
	return rec, b, err
}

// field decodes a uvarint length and that many bytes.
func field(b []byte, max uint64) ([]byte, []byte, error) {
	n, k := binary.Uvarint(b)
	switch {
	case k <= 0:
		return nil, nil, errShort
	case n > max:
		return nil, nil, errLen
	case uint64(len(b)-k) < n:
		return nil, nil, errShort
	}
	return b[k : k+int(n)], b[k+int(n):], nil
}

// validToken accepts what offline/token makes and token.KeyID accepts: a
// key id of 1-16 of [a-z0-9-], a dot, 20 base64url characters. It keeps
// card numbers, which have no dot, out of bundles. It does not allocate.
func validToken[T string | []byte](tok T) bool {
	dot := -1
	for i := range len(tok) {
		switch c := tok[i]; {
		case c == '.' && dot < 0:
			dot = i
		case !tokenChar(c, dot < 0):
			return false
		}
	}
	return dot >= 1 && dot <= maxIDLen && len(tok)-dot-1 == 20
}

func tokenChar(c byte, inID bool) bool {
	switch {
	case c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '-':
		return true
	case inID:
		return false
	}
	return c >= 'A' && c <= 'Z' || c == '_'
}

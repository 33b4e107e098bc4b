package bundle

import (
	"bytes"
	"fmt"

	"karta/offline"
)

// summary is what checking one chunk found: its op count and its first
// and last tokens, which must run on into the next chunk's.
type summary struct {
	ops         int
	first, last []byte
	err         error
}

// checkOps checks the records of one inflated chunk (number chunk, from 1)
// as Open promises: each decodes, is a put unless in a delta, has a karta
// token above the one before and a decodable entry. The Writer runs it too,
// so that it never signs what Open would refuse.
func checkOps(m *Manifest, chunk int, raw []byte) summary {
	var s summary
	for len(raw) > 0 {
		s.ops++
		at := where{m, chunk, s.ops}
		rec, rest, err := nextRecord(raw)
		if err != nil {
			s.err = at.refuse(ErrBadOp, err, "")
			return s
		}
		if s.err = checkOp(at, rec, s.last); s.err != nil {
			return s
		}
		if s.first == nil {
			s.first = bytes.Clone(rec.token)
		}
		s.last, raw = append(s.last[:0], rec.token...), rest
	}
	return s
}

// checkOp tests one record, whose predecessor had token last.
func checkOp(at where, rec record, last []byte) error {
	switch {
	case rec.kind == opDelete && at.m.Snapshot():
		return at.refuse(ErrBadOp, nil, "a snapshot holds only puts, this deletes %s", rec.token)
	case !validToken(rec.token):
		return at.refuse(ErrBadOp, nil, "not a karta token")
	case last != nil && bytes.Compare(last, rec.token) >= 0:
		return at.refuse(ErrOrder, nil, "%s after %s", rec.token, last)
	case rec.kind == opPut:
		if _, err := offline.DecodeEntry("", rec.entry); err != nil {
			return at.refuse(ErrBadOp, err, "token %s", rec.token)
		}
	}
	return nil
}

// where names an op of a bundle in a refusal: "chunk 2, op 17".
type where struct {
	m         *Manifest
	chunk, op int
}

func (at where) refuse(kind, cause error, format string, args ...any) error {
	detail := fmt.Sprintf("chunk %d, op %d", at.chunk, at.op)
	if format != "" {
		detail += ": " + fmt.Sprintf(format, args...)
	}
	return at.m.refuse(kind, cause, "%s", detail)
}

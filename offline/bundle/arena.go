package bundle

import (
	"bytes"
	"cmp"
	"encoding/binary"
)

// arenaBlock is the size of the blocks records are copied into: large
// enough to hold thousands, small enough that a half-empty one costs
// nothing worth noticing.
const arenaBlock = 1 << 20

// arena holds a Writer's records in blocks that never move once written,
// so adding one never copies those before it.
type arena struct {
	blocks [][]byte
}

// span is one record's place in the arena, with the first 16 bytes of its
// token (big-endian, zero-padded) so that sorting rarely has to look
// further: tokens hold no zero bytes.
type span struct {
	hi, lo            uint64
	block, start, end int32
}

// add copies the record rec, whose token is tok, into the arena.
func (a *arena) add(rec []byte, tok string) span {
	last := len(a.blocks) - 1
	if last < 0 || len(a.blocks[last])+len(rec) > cap(a.blocks[last]) {
		a.blocks = append(a.blocks, make([]byte, 0, max(arenaBlock, len(rec))))
		last++
	}
	b := a.blocks[last]
	a.blocks[last] = append(b, rec...)
	var key [16]byte
	copy(key[:], tok)
	return span{hi: binary.BigEndian.Uint64(key[:8]), lo: binary.BigEndian.Uint64(key[8:]),
		block: int32(last), start: int32(len(b)), end: int32(len(b) + len(rec))}
}

func (a *arena) record(s span) []byte { return a.blocks[s.block][s.start:s.end] }

// token is a record's token: after the kind byte and a one-byte length
// (tokens are under 128 bytes).
func (a *arena) token(s span) []byte {
	r := a.record(s)
	return r[2 : 2+int(r[1])]
}

// compare orders spans by their tokens.
func (a *arena) compare(x, y span) int {
	if c := cmp.Compare(x.hi, y.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(x.lo, y.lo); c != 0 {
		return c
	}
	return bytes.Compare(a.token(x), a.token(y))
}

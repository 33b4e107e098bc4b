package emv

import (
	"encoding/hex"
	"fmt"
)

// Tag is a BER-TLV tag with its bytes packed big-endian: 0x5A, 0x9F6B, 0xBF0C.
type Tag uint32

// String gives the tag in the usual hex form, e.g. "9F6B".
func (t Tag) String() string { return fmt.Sprintf("%X", uint32(t)) }

// first returns the tag's first byte, the one carrying class and form.
func (t Tag) first() byte {
	for t > 0xFF {
		t >>= 8
	}
	return byte(t)
}

// Constructed reports whether the tag's value is itself a list of TLVs.
func (t Tag) Constructed() bool { return t.first()&0x20 != 0 }

// TLV is one parsed data object. Value aliases the parsed input; Children
// holds the parsed value of a constructed object.
type TLV struct {
	Tag      Tag
	Value    []byte
	Children []TLV
}

const (
	maxTagBytes    = 4
	maxLengthBytes = 3 // lengths up to 16 MiB; no card answer is longer
	maxDepth       = 16
)

// Parse decodes a sequence of BER-TLV objects as cards send them: multi-byte
// tags, short and long-form lengths, 00 or FF padding before, between and
// after objects, constructed objects parsed recursively. Malformed, truncated
// or overlong input gives an error wrapping ErrMalformed, never a panic.
// The returned values alias b.
func Parse(b []byte) ([]TLV, error) {
	return parse(b, 0)
}

func parse(b []byte, depth int) ([]TLV, error) {
	if depth > maxDepth {
		return nil, malformed("TLV nested deeper than %d levels", maxDepth)
	}
	var out []TLV
	for i := 0; i < len(b); {
		if b[i] == 0x00 || b[i] == 0xFF {
			i++
			continue
		}
		obj, n, err := parseOne(b[i:], depth)
		if err != nil {
			return nil, fmt.Errorf("%w at offset %d", err, i)
		}
		out = append(out, obj)
		i += n
	}
	return out, nil
}

func parseOne(b []byte, depth int) (TLV, int, error) {
	tag, n, err := parseTag(b)
	if err != nil {
		return TLV{}, 0, err
	}
	length, m, err := parseLength(b[n:])
	if err != nil {
		return TLV{}, 0, fmt.Errorf("%w in tag %s", err, tag)
	}
	start := n + m
	if length > len(b)-start {
		return TLV{}, 0, malformed("tag %s: length %d overruns the %d bytes left", tag, length, len(b)-start)
	}
	obj := TLV{Tag: tag, Value: b[start : start+length : start+length]}
	if tag.Constructed() {
		if obj.Children, err = parse(obj.Value, depth+1); err != nil {
			return TLV{}, 0, fmt.Errorf("%w inside tag %s", err, tag)
		}
	}
	return obj, start + length, nil
}

func parseTag(b []byte) (Tag, int, error) {
	t := Tag(b[0])
	if b[0]&0x1F != 0x1F {
		return t, 1, nil
	}
	for i := 1; i < len(b); i++ {
		if i >= maxTagBytes {
			return 0, 0, malformed("tag longer than %d bytes", maxTagBytes)
		}
		t = t<<8 | Tag(b[i])
		if b[i]&0x80 == 0 {
			return t, i + 1, nil
		}
	}
	return 0, 0, malformed("truncated tag %s", hex.EncodeToString(b))
}

func parseLength(b []byte) (int, int, error) {
	if len(b) == 0 {
		return 0, 0, malformed("missing length")
	}
	if b[0] < 0x80 {
		return int(b[0]), 1, nil
	}
	k := int(b[0] & 0x7F)
	if k == 0 || k > maxLengthBytes {
		return 0, 0, malformed("unsupported length form %02X", b[0])
	}
	if len(b) < 1+k {
		return 0, 0, malformed("truncated length")
	}
	n := 0
	for _, c := range b[1 : 1+k] {
		n = n<<8 | int(c)
	}
	return n, 1 + k, nil
}

// Find returns the first object with the given tag, searching depth-first
// through constructed objects.
func Find(list []TLV, tag Tag) (TLV, bool) {
	for _, o := range list {
		if o.Tag == tag {
			return o, true
		}
		if found, ok := Find(o.Children, tag); ok {
			return found, true
		}
	}
	return TLV{}, false
}

// Encode writes one object in BER-TLV with the shortest length form. It is
// used by simulated cards and tests; the read path only parses.
func Encode(tag Tag, value []byte) []byte {
	out := tagBytes(tag)
	out = append(out, lengthBytes(len(value))...)
	return append(out, value...)
}

// Constructed encodes a constructed object from already encoded children.
func Constructed(tag Tag, children ...[]byte) []byte {
	var v []byte
	for _, c := range children {
		v = append(v, c...)
	}
	return Encode(tag, v)
}

func tagBytes(t Tag) []byte {
	var out []byte
	for shift := 24; shift >= 0; shift -= 8 {
		if b := byte(t >> shift); b != 0 || len(out) > 0 || shift == 0 {
			out = append(out, b)
		}
	}
	return out
}

func lengthBytes(n int) []byte {
	switch {
	case n < 0x80:
		return []byte{byte(n)}
	case n <= 0xFF:
		return []byte{0x81, byte(n)}
	case n <= 0xFFFF:
		return []byte{0x82, byte(n >> 8), byte(n)}
	default:
		return []byte{0x83, byte(n >> 16), byte(n >> 8), byte(n)}
	}
}

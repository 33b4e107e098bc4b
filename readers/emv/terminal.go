package emv

import (
	"crypto/rand"
	"io"
	"time"
)

// Terminal holds the values a terminal gives the card in GET PROCESSING
// OPTIONS. Tags the card asks for that are not here are zero-filled.
type Terminal struct {
	Values map[Tag][]byte // static values by tag
	Now    func() time.Time
	Rand   io.Reader // unpredictable numbers
}

// DefaultTerminal is a Russian (0643) contactless terminal for amount 0:
// the values the Mir fast path fills the PDOL with.
func DefaultTerminal() Terminal {
	return Terminal{
		Values: map[Tag][]byte{
			0x9F66: {0x36, 0x00, 0x40, 0x00},       // TTQ: qVSDC, EMV contact, online PIN, CDCVM
			0x9F02: {0, 0, 0, 0, 0, 0},             // amount authorised: 0
			0x9F03: {0, 0, 0, 0, 0, 0},             // amount other: 0
			0x9F1A: {0x06, 0x43},                   // terminal country: Russia
			0x5F2A: {0x06, 0x43},                   // transaction currency: rouble
			0x9C:   {0x00},                         // transaction type: purchase
			0x9F35: {0x25},                         // terminal type: unattended, online capable
			0x9F33: {0x00, 0x08, 0x08},             // capabilities: no CVM, CDA
			0x9F40: {0x00, 0x00, 0x00, 0x00, 0x00}, // additional capabilities
		},
		Now:  time.Now,
		Rand: rand.Reader,
	}
}

// numericTags are EMV format n: padded and cut on the left (EMV Book 3, 5.4).
var numericTags = map[Tag]bool{
	0x9F02: true, 0x9F03: true, 0x9F1A: true, 0x5F2A: true, 0x9A: true,
	0x9C: true, 0x9F21: true, 0x9F41: true,
}

// value returns the terminal's value for tag, fitted to length.
func (t Terminal) value(tag Tag, length int) ([]byte, error) {
	v, err := t.dynamic(tag)
	if err != nil {
		return nil, err
	}
	if v == nil {
		v = t.Values[tag]
	}
	return fit(v, length, numericTags[tag]), nil
}

func (t Terminal) dynamic(tag Tag) ([]byte, error) {
	switch tag {
	case 0x9A: // transaction date YYMMDD
		now := t.Now()
		return bcd(now.Year()%100, int(now.Month()), now.Day()), nil
	case 0x9F21: // transaction time HHMMSS
		now := t.Now()
		return bcd(now.Hour(), now.Minute(), now.Second()), nil
	case 0x9F37: // unpredictable number
		un := make([]byte, 4)
		_, err := io.ReadFull(t.Rand, un)
		return un, err
	}
	return nil, nil
}

func bcd(pairs ...int) []byte {
	out := make([]byte, len(pairs))
	for i, p := range pairs {
		out[i] = byte(p/10<<4 | p%10)
	}
	return out
}

// fit pads or cuts v to n bytes: numeric values on the left, others on the
// right.
func fit(v []byte, n int, numeric bool) []byte {
	out := make([]byte, n)
	switch {
	case numeric && len(v) >= n:
		copy(out, v[len(v)-n:])
	case numeric:
		copy(out[n-len(v):], v)
	default:
		copy(out, v)
	}
	return out
}

// DOLEntry is one (tag, length) request of a data object list.
type DOLEntry struct {
	Tag    Tag
	Length int
}

// ParseDOL decodes a data object list: tags and lengths without values.
func ParseDOL(b []byte) ([]DOLEntry, error) {
	var out []DOLEntry
	for i := 0; i < len(b); {
		tag, n, err := parseTag(b[i:])
		if err != nil {
			return nil, err
		}
		length, m, err := parseLength(b[i+n:])
		if err != nil {
			return nil, err
		}
		out = append(out, DOLEntry{Tag: tag, Length: length})
		i += n + m
	}
	return out, nil
}

// FillDOL concatenates the terminal's values for each entry.
func (t Terminal) FillDOL(dol []DOLEntry) ([]byte, error) {
	var out []byte
	for _, e := range dol {
		if len(out)+e.Length > 250 {
			return nil, malformed("PDOL asks for more than 250 bytes")
		}
		v, err := t.value(e.Tag, e.Length)
		if err != nil {
			return nil, err
		}
		out = append(out, v...)
	}
	return out, nil
}

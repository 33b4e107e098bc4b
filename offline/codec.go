package offline

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// ErrCorruptEntry: stored or shipped entry bytes that do not decode.
var ErrCorruptEntry = errors.New("offline: corrupt entry")

// Entries are stored and shipped in a compact binary form, version 1:
//
//	version(1) flags(1) category(str) from(uvarint) to(uvarint)
//	[bus: discount(1) monthly(uvarint)]
//	[school: school(str) role(str) grade(1) schedule(str)]
//	[meals: school(str) n(uvarint) meal(str)*n]
//	[stop: reason(str) since(uvarint)]
//
// where str is uvarint length then bytes, and flags say which optional parts
// follow. The token is the key and is not repeated in the value.
const entryV1 = 1

const (
	hasBus = 1 << iota
	hasSchool
	hasMeals
	hasStop
)

const maxField = 256 // no string in an entry is longer

// CheckEntry reports whether e can be encoded and decoded again: no string
// longer than the format allows.
func CheckEntry(e *Entry) error {
	strs := []string{e.Category}
	if s := e.School; s != nil {
		strs = append(strs, s.School, s.Role, s.Schedule)
	}
	if m := e.Meals; m != nil {
		strs = append(append(strs, m.School), m.Meals...)
	}
	if s := e.Stop; s != nil {
		strs = append(strs, s.Reason)
	}
	for _, s := range strs {
		if len(s) > maxField {
			return fmt.Errorf("%w: a field of %d bytes (at most %d)", ErrCorruptEntry, len(s), maxField)
		}
	}
	return nil
}

// AppendEntry appends the encoding of e (without its token) to b.
func AppendEntry(b []byte, e *Entry) []byte {
	b = append(b, entryV1, flagsOf(e))
	b = appendStr(b, e.Category)
	b = binary.AppendUvarint(b, uint64(e.From))
	b = binary.AppendUvarint(b, uint64(e.To))
	if e.Bus != nil {
		b = append(b, e.Bus.Discount)
		b = binary.AppendUvarint(b, uint64(e.Bus.MonthlyLimit))
	}
	if s := e.School; s != nil {
		b = appendStr(appendStr(b, s.School), s.Role)
		b = appendStr(append(b, s.Grade), s.Schedule)
	}
	if m := e.Meals; m != nil {
		b = binary.AppendUvarint(appendStr(b, m.School), uint64(len(m.Meals)))
		for _, meal := range m.Meals {
			b = appendStr(b, meal)
		}
	}
	if s := e.Stop; s != nil {
		b = binary.AppendUvarint(appendStr(b, s.Reason), uint64(s.Since))
	}
	return b
}

func flagsOf(e *Entry) byte {
	var f byte
	if e.Bus != nil {
		f |= hasBus
	}
	if e.School != nil {
		f |= hasSchool
	}
	if e.Meals != nil {
		f |= hasMeals
	}
	if e.Stop != nil {
		f |= hasStop
	}
	return f
}

func appendStr(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// DecodeEntry decodes an entry stored under token. It copies what it keeps:
// b may be reused after it returns (bbolt values are).
func DecodeEntry(token string, b []byte) (*Entry, error) {
	d := decoder{b: b}
	if v := d.byte(); v != entryV1 {
		return nil, fmt.Errorf("%w: version %d", ErrCorruptEntry, v)
	}
	flags := d.byte()
	e := &Entry{Token: token, Category: d.str()}
	e.From, e.To = Day(d.uvarint()), Day(d.uvarint())
	if flags&hasBus != 0 {
		e.Bus = &BusRight{Discount: d.byte(), MonthlyLimit: uint16(d.uvarint())}
	}
	if flags&hasSchool != 0 {
		e.School = &SchoolPass{School: d.str(), Role: d.str(), Grade: d.byte(), Schedule: d.str()}
	}
	if flags&hasMeals != 0 {
		e.Meals = &MealRight{School: d.str()}
		for n := d.uvarint(); n > 0 && d.err == nil; n-- {
			e.Meals.Meals = append(e.Meals.Meals, d.str())
		}
	}
	if flags&hasStop != 0 {
		e.Stop = &Stop{Reason: d.str(), Since: Day(d.uvarint())}
	}
	if err := d.done(flags); err != nil {
		return nil, err
	}
	return e, nil
}

// decoder reads fields and remembers the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) fail(what string) {
	if d.err == nil {
		d.err = fmt.Errorf("%w: %s", ErrCorruptEntry, what)
	}
	d.b = nil
}

func (d *decoder) byte() byte {
	if len(d.b) < 1 {
		d.fail("truncated")
		return 0
	}
	c := d.b[0]
	d.b = d.b[1:]
	return c
}

func (d *decoder) uvarint() uint64 {
	v, n := binary.Uvarint(d.b)
	if n <= 0 || v > 1<<32 {
		d.fail("bad number")
		return 0
	}
	d.b = d.b[n:]
	return v
}

func (d *decoder) str() string {
	n := d.uvarint()
	if n > maxField || int(n) > len(d.b) {
		d.fail("bad string length")
		return ""
	}
	s := string(d.b[:n])
	d.b = d.b[n:]
	return s
}

func (d *decoder) done(flags byte) error {
	switch {
	case d.err != nil:
		return d.err
	case flags&^(hasBus|hasSchool|hasMeals|hasStop) != 0:
		return fmt.Errorf("%w: unknown flags %02x", ErrCorruptEntry, flags)
	case len(d.b) != 0:
		return fmt.Errorf("%w: %d trailing bytes", ErrCorruptEntry, len(d.b))
	}
	return nil
}

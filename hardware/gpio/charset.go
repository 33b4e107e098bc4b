package gpio

import (
	"strings"
	"unicode"
)

// Charset says how a display writes text it has no glyph for. Character
// LCDs know ASCII; Russian needs either a module with a Cyrillic ROM or
// transliteration.
type Charset int

const (
	// Translit writes Cyrillic in Latin letters ("Проезд оплачен" →
	// "Proezd oplachen"): BGN/PCGN without diacritics, ь and ъ dropped. It
	// suits any HD44780 ROM.
	Translit Charset = iota
	// CyrillicROM writes Cyrillic with the codes of the Cyrillic character
	// ROM of WH1602/WH2004 modules and their clones. Letters that ROM
	// shares with Latin use the Latin code (А → 'A', о → 'o').
	CyrillicROM
)

func (c Charset) String() string {
	if c == CyrillicROM {
		return "cyrillic-rom"
	}
	return "translit"
}

// Encode returns the character codes of s. Runes the charset cannot show
// are replaced by a look-alike (— by -, « by ") or else by '?'.
func (c Charset) Encode(s string) []byte {
	rs := []rune(s)
	out := make([]byte, 0, len(rs))
	for i := range rs {
		out = c.appendRune(out, rs, i)
	}
	return out
}

// appendRune appends the codes of rs[i].
func (c Charset) appendRune(out []byte, rs []rune, i int) []byte {
	r := rs[i]
	if r >= ' ' && r <= '~' {
		return append(out, byte(r))
	}
	if code, ok := romCodes[r]; ok && c == CyrillicROM {
		return append(out, code)
	}
	if latin, ok := transliterate(rs, i); ok {
		return append(out, latin...)
	}
	if alike, ok := lookAlikes[r]; ok {
		return append(out, c.Encode(alike)...)
	}
	if unicode.IsSpace(r) {
		return append(out, ' ')
	}
	return append(out, '?')
}

// transliterate returns rs[i] in Latin letters: capitalised ("Zh"), or in
// capitals next to another capital ("ZHD" for "ЖД").
func transliterate(rs []rune, i int) (string, bool) {
	lower := unicode.ToLower(rs[i])
	latin, ok := translitTable[lower]
	if !ok || lower == rs[i] || latin == "" {
		return latin, ok
	}
	if isUpperAt(rs, i-1) || isUpperAt(rs, i+1) {
		return strings.ToUpper(latin), true
	}
	return strings.ToUpper(latin[:1]) + latin[1:], true
}

// isUpperAt reports whether rs[i] exists and is a capital letter.
func isUpperAt(rs []rune, i int) bool {
	return i >= 0 && i < len(rs) && unicode.IsUpper(rs[i])
}

package emv

import (
	"log/slog"
	"strings"
)

// pan is a card number as ASCII digits. It exists only inside a read: its
// String and LogValue give the masked form, so a slip into a log or a
// format verb shows no more than a person may see.
type pan []byte

func (p pan) String() string       { return Mask(string(p)) }
func (p pan) LogValue() slog.Value { return slog.StringValue(p.String()) }
func (p pan) GoString() string     { return p.String() }

// wipe overwrites the digits once the read is done with them.
func (p pan) wipe() {
	for i := range p {
		p[i] = 0
	}
}

// Mask shows the first 6 and last 4 digits of a card number and a '*' for
// each digit between. Numbers too short to hide at least two digits that way
// are masked whole.
func Mask(digits string) string {
	n := len(digits)
	if n < 12 {
		return strings.Repeat("*", n)
	}
	return digits[:6] + strings.Repeat("*", n-10) + digits[n-4:]
}

const minPAN, maxPAN = 12, 19

// nibbles decodes compressed-numeric bytes until an F nibble (5A) or a
// separator nibble D (track 2). It returns the digits and where it stopped.
func nibbles(b []byte, stop byte) (digits []byte, at int) {
	for i := 0; i < 2*len(b); i++ {
		n := nibble(b, i)
		if n == stop || n == 0x0F {
			return digits, i
		}
		digits = append(digits, '0'+n)
	}
	return digits, 2 * len(b)
}

// panFromBCD decodes tag 5A: BCD digits padded with F.
func panFromBCD(v []byte) (pan, error) {
	d, _ := nibbles(v, 0x0F)
	return checkPAN(d, "5A")
}

// track2 decodes tags 57 and 9F6B: PAN 'D' YYMM service code ... 'F'. The
// expiry is empty when the date after the separator is not a valid YYMM:
// the number still identifies the card.
func track2(v []byte, tag Tag) (pan, string, error) {
	d, at := nibbles(v, 0x0D)
	if at >= 2*len(v) || nibble(v, at) != 0x0D {
		pan(d).wipe()
		return nil, "", malformed("track 2 in tag %s has no separator", tag)
	}
	p, err := checkPAN(d, tag.String())
	if err != nil {
		return nil, "", err
	}
	rest, _ := nibbles(v, 0x0F)
	defer pan(rest).wipe()
	if len(rest) < at+5 || !isDigits(rest[at+1:at+5]) || !validMonth(rest[at+3:at+5]) {
		return p, "", nil
	}
	return p, string(rest[at+1 : at+5]), nil // YYMM
}

func nibble(b []byte, i int) byte {
	if i%2 == 0 {
		return b[i/2] >> 4
	}
	return b[i/2] & 0x0F
}

func checkPAN(d []byte, tag string) (pan, error) {
	if len(d) < minPAN || len(d) > maxPAN || !isDigits(d) {
		pan(d).wipe()
		return nil, malformed("tag %s does not hold a card number of %d-%d digits", tag, minPAN, maxPAN)
	}
	return pan(d), nil
}

func isDigits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

func validMonth(mm []byte) bool {
	m := int(mm[0]-'0')*10 + int(mm[1]-'0')
	return m >= 1 && m <= 12
}

package emv

import (
	"slices"
	"strings"
)

// CardNumbers finds the card numbers a card sent in its responses (5A, 57,
// 9F6B, and the track 1 of 56 and 9F1F), for record mode, which must
// replace them before a transcript is written. The caller wipes the
// returned digits.
func CardNumbers(responses [][]byte) []string {
	seen := map[string]bool{}
	var out []string
	add := func(p pan) {
		if p != nil && !seen[string(p)] {
			seen[string(p)] = true
			out = append(out, string(p))
		}
		p.wipe()
	}
	for _, r := range responses {
		if len(r) < 2 {
			continue
		}
		objs, err := Parse(r[:len(r)-2])
		if err != nil {
			continue
		}
		walk(objs, func(o TLV) { add(numberIn(o)) })
	}
	return out
}

func walk(objs []TLV, f func(TLV)) {
	for _, o := range objs {
		f(o)
		walk(o.Children, f)
	}
}

// numberIn decodes the card number an object carries, if any.
func numberIn(o TLV) pan {
	switch o.Tag {
	case TagPAN:
		p, _ := panFromBCD(o.Value)
		return p
	case TagTrack2, TagTrack2MC:
		p, _, _ := track2(o.Value, o.Tag)
		return p
	case 0x56, 0x9F1F: // track 1: 'B' PAN '^' NAME '^' ...
		return track1(o.Value)
	}
	return nil
}

func track1(v []byte) pan {
	if len(v) < 2 || v[0] != 'B' {
		return nil
	}
	end := 1
	for end < len(v) && v[end] != '^' {
		end++
	}
	p, _ := checkPAN(append([]byte(nil), v[1:end]...), "56")
	return p
}

// CardholderNames finds the names a card sent (5F20, 9F0B, the name field
// of track 1), so that record mode can blank them too.
func CardholderNames(responses [][]byte) []string {
	var out []string
	for _, r := range responses {
		if len(r) < 2 {
			continue
		}
		objs, err := Parse(r[:len(r)-2])
		if err != nil {
			continue
		}
		walk(objs, func(o TLV) {
			if n := nameIn(o); strings.TrimSpace(n) != "" && !slices.Contains(out, n) {
				out = append(out, n)
			}
		})
	}
	return out
}

func nameIn(o TLV) string {
	switch o.Tag {
	case 0x5F20, 0x9F0B:
		return string(o.Value)
	case 0x56, 0x9F1F:
		if parts := strings.Split(string(o.Value), "^"); len(parts) >= 3 {
			return parts[1]
		}
	}
	return ""
}

// TestNumber gives a test card number for pan: the same length and issuer
// (first 6 digits), zeros, and a valid check digit.
func TestNumber(pan string) string {
	body := pan[:min(6, len(pan))] + strings.Repeat("0", max(0, len(pan)-7))
	return body + string(LuhnDigit(body))
}

// LuhnDigit is the check digit that makes digits+it pass the Luhn check.
func LuhnDigit(digits string) byte {
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return byte('0' + (10-sum%10)%10)
}

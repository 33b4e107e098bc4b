package web

import "errors"

// errPAN says a typed card number is not one; it never carries the input.
var errPAN = errors.New("web: not a card number (13-19 digits, spaces allowed, valid check digit)")

// normalizePAN returns the digits of a typed card number — spaces
// dropped — if they are 13 to 19 digits with a valid Luhn check digit;
// else errPAN. The caller clears the result when done.
func normalizePAN(typed string) ([]byte, error) {
	if len(typed) > 64 {
		return nil, errPAN
	}
	pan := make([]byte, 0, 19)
	for i := 0; i < len(typed); i++ {
		switch c := typed[i]; {
		case c == ' ':
		case c >= '0' && c <= '9' && len(pan) < 19:
			pan = append(pan, c)
		default:
			clear(pan)
			return nil, errPAN
		}
	}
	if len(pan) < 13 || !luhn(pan) {
		clear(pan)
		return nil, errPAN
	}
	return pan, nil
}

// luhn says whether digits end in a valid Luhn check digit.
func luhn(digits []byte) bool {
	sum := 0
	for i := range digits {
		d := int(digits[len(digits)-1-i] - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

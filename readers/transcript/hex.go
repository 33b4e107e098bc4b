package transcript

import (
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// decodeHex decodes hex digits of either case, ignoring white space between
// them. Errors carry no position: the caller adds the line.
func decodeHex(s string) ([]byte, error) {
	digits := strings.Join(strings.Fields(s), "")
	if digits == "" {
		return nil, errors.New("no hex digits")
	}
	if i := strings.IndexFunc(digits, notHexDigit); i >= 0 {
		r, _ := utf8.DecodeRuneInString(digits[i:])
		return nil, fmt.Errorf("invalid hex digit %q", r)
	}
	if len(digits)%2 != 0 {
		return nil, errors.New("odd number of hex digits")
	}
	return hex.DecodeString(digits)
}

func notHexDigit(r rune) bool {
	return r >= utf8.RuneSelf || !strings.ContainsRune("0123456789abcdefABCDEF", r)
}

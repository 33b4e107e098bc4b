package transcript

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"strings"
)

// Scrub replaces secrets in every command and response: each key of
// secrets by its value, which must be as long. A secret of decimal digits
// (a card number) is replaced both as ASCII and in BCD, at any nibble
// offset, as 5A and track 2 carry it; any other secret as ASCII only.
func (t *Transcript) Scrub(secrets map[string]string) error {
	for s, r := range secrets {
		if len(s) != len(r) || s == "" {
			return fmt.Errorf("transcript: scrub: a replacement must be as long as its secret")
		}
	}
	for i := range t.Exchanges {
		e := &t.Exchanges[i]
		e.Command = scrub(e.Command, secrets)
		e.Response = scrub(e.Response, secrets)
	}
	return nil
}

func scrub(b []byte, secrets map[string]string) []byte {
	if b == nil {
		return nil
	}
	for s, r := range secrets {
		b = bytes.ReplaceAll(b, []byte(s), []byte(r))
		if isDecimal(s) {
			b = replaceNibbles(b, s, r)
		}
	}
	return b
}

// replaceNibbles replaces digits s by r in the hex of b.
func replaceNibbles(b []byte, s, r string) []byte {
	h := strings.ToUpper(hex.EncodeToString(b))
	if !strings.Contains(h, s) {
		return b
	}
	out, err := hex.DecodeString(strings.ReplaceAll(h, s, r))
	if err != nil {
		return b // cannot happen: digits for digits keep the hex valid
	}
	return out
}

func isDecimal(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

package registry

import (
	"slices"
	"strconv"
	"strings"

	"karta/offline"
)

// ValidPAN accepts 12-19 digits that pass the Luhn check.
func ValidPAN(s string) bool {
	if len(s) < 12 || len(s) > 19 {
		return false
	}
	sum := 0
	for i := range len(s) {
		c := s[len(s)-1-i]
		if c < '0' || c > '9' {
			return false
		}
		d := int(c - '0')
		if i%2 == 1 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

// text reads a column of free text, up to maxText bytes.
func text(r *row, col int) (string, error) {
	if v := r.v[col]; len(v) > maxText {
		return "", badRow(r.line, "%s is longer than %d characters", colNames[col], maxText)
	}
	return r.v[col], nil
}

// day reads a column of YYYY-MM-DD; "" is 0, not set.
func day(r *row, col int) (offline.Day, error) {
	d, err := offline.ParseDay(r.v[col])
	if err != nil {
		return 0, badRow(r.line, "%s is not a date YYYY-MM-DD", colNames[col])
	}
	return d, nil
}

// number reads a column of a whole number up to max.
func number(r *row, col int, max uint64) (uint64, error) {
	n, err := strconv.ParseUint(r.v[col], 10, 64)
	if err != nil || n > max {
		return 0, badRow(r.line, "%s is not a whole number 0-%d", colNames[col], max)
	}
	return n, nil
}

// oneOf checks a value against a short list of words.
func oneOf(r *row, col int, words []string) error {
	if !slices.Contains(words, r.v[col]) {
		return badRow(r.line, "%s is not one of %s", colNames[col], strings.Join(words, ", "))
	}
	return nil
}

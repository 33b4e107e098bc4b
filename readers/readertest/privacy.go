package readertest

import "bytes"

// LeakWindow is how many consecutive digits of a card number count as a
// leak. A number of 12 to 19 digits shown as its first 6 and last 4 has no
// run of 9 visible digits, so any such run in an output reveals hidden ones
// (in decimal, or in the hex of a BCD-coded 5A or track 2).
const LeakWindow = 9

// PANLeaks returns the masked forms of the card numbers that appear in out:
// whole, or as any run of LeakWindow consecutive digits.
func PANLeaks(out []byte, pans []string) []string {
	var leaked []string
	for _, p := range pans {
		if leaks(out, p) {
			leaked = append(leaked, mask(p))
		}
	}
	return leaked
}

func leaks(out []byte, pan string) bool {
	for i := 0; i+LeakWindow <= len(pan); i++ {
		if bytes.Contains(out, []byte(pan[i:i+LeakWindow])) {
			return true
		}
	}
	return false
}

func mask(pan string) string {
	if len(pan) < 12 {
		return "(short number)"
	}
	return pan[:6] + "…" + pan[len(pan)-4:]
}

package emv

import (
	"encoding/hex"
	"errors"
	"fmt"
	"testing"
)

func TestMask(t *testing.T) {
	for in, want := range map[string]string{
		"2202456789012347":    "220245******2347",
		"6726420000000001236": "672642*********1236",
		"220245678901":        "220245**8901",
		"22024567890":         "***********",
		"":                    "",
	} {
		if got := Mask(in); got != want {
			t.Errorf("Mask(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestPANNeverPrintsInFull(t *testing.T) {
	p := pan("2202456789012347")
	for _, s := range []string{p.String(), fmt.Sprint(p), fmt.Sprintf("%v %s %#v", p, p, p), p.LogValue().String()} {
		if s != "220245******2347" && s != "220245******2347 220245******2347 220245******2347" {
			t.Errorf("pan printed as %q", s)
		}
	}
	p.wipe()
	if string(p) != string(make([]byte, 16)) {
		t.Error("wipe left digits behind")
	}
}

func TestTrack2(t *testing.T) {
	tests := []struct {
		name, in, wantPAN, wantExp string
		wantErr                    bool
	}{
		{"plain", "2202456789012347D27112011000000000F", "2202456789012347", "2711", false},
		{"19 digits", "6726420000000001236D2112201025482815", "6726420000000001236", "2112", false},
		{"no separator", "2202456789012347F", "", "", true},
		{"separator but no date", "2202456789012347D27F", "2202456789012347", "", false},
		{"month 19: number kept, expiry unknown", "2202456789012347D01192011F", "2202456789012347", "", false},
		{"date not digits", "2202456789012347DABCD2011F", "2202456789012347", "", false},
		{"letters in PAN", "22024567890123A7D2711201F", "", "", true},
		{"PAN too short", "22024567890D2711201F", "", "", true},
		{"empty", "", "", "", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if len(in)%2 == 1 {
				in += "F"
			}
			b, _ := hex.DecodeString(in)
			p, exp, err := track2(b, TagTrack2)
			if (err != nil) != tt.wantErr || string(p) != tt.wantPAN || exp != tt.wantExp {
				t.Errorf("track2 = %q %q %v", Mask(string(p)), exp, err)
			}
			if err != nil && !errors.Is(err, ErrMalformed) {
				t.Errorf("err %v is not ErrMalformed", err)
			}
		})
	}
}

func TestPANFromBCD(t *testing.T) {
	for in, want := range map[string]string{
		"2202456789012347":     "2202456789012347",
		"6726420000000001236F": "6726420000000001236",
		"2202456789012347FFFF": "2202456789012347",
		"22024567":             "",
		"2202456789012A47":     "",
	} {
		b, _ := hex.DecodeString(in)
		p, err := panFromBCD(b)
		if string(p) != want || (err != nil) != (want == "") {
			t.Errorf("panFromBCD(%s) = %q, %v", in, Mask(string(p)), err)
		}
	}
}

func TestCardNumbers(t *testing.T) {
	ok := []byte{0x90, 0x00}
	answer := func(objs ...[]byte) []byte { return append(Constructed(TagRecord, objs...), ok...) }
	bcd := func(s string) []byte { b, _ := hex.DecodeString(s); return b }
	got := CardNumbers([][]byte{
		answer(Encode(TagPAN, bcd("2202456789012347")), Encode(TagExpiry, bcd("271130"))),
		answer(Encode(TagTrack2, bcd("2202456789012347D27112011000000F"))), // the same number again
		answer(Encode(0x56, []byte("B5413330056003511^TEST/CARD^1412101"))),
		answer(Encode(TagTrack2MC, bcd("6726420000000001236D2112201025482815"))),
		{0x90}, answer(Encode(TagPAN, bcd("12"))), // too short to be a number
	})
	want := []string{"2202456789012347", "5413330056003511", "6726420000000001236"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("CardNumbers = %v, want %v", got, want)
	}
}

func TestTestNumber(t *testing.T) {
	for pan, want := range map[string]string{
		"2202456789012347":    "2202450000000009",
		"6726420000000001236": "6726420000000000006",
		"5413330056003511":    "5413330000000001",
	} {
		if got := TestNumber(pan); got != want || len(got) != len(pan) {
			t.Errorf("TestNumber(%s) = %s, want %s", Mask(pan), got, want)
		}
	}
}

func TestCardholderNames(t *testing.T) {
	ok := []byte{0x90, 0x00}
	got := CardholderNames([][]byte{
		append(Constructed(TagRecord, Encode(0x5F20, []byte("IVANOV/IVAN"))), ok...),
		append(Constructed(TagRecord, Encode(0x56, []byte("B5413330056003511^PETROVA/A^1412101"))), ok...),
		append(Constructed(TagRecord, Encode(0x5F20, []byte("  "))), ok...),
	})
	if fmt.Sprint(got) != "[IVANOV/IVAN PETROVA/A]" {
		t.Errorf("CardholderNames = %q", got)
	}
}

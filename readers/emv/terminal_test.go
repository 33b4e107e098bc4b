package emv_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"karta/readers/emv"
)

// fixedTerminal is DefaultTerminal on 21 Nov 2026 14:05:09 with a known
// unpredictable number.
func fixedTerminal() emv.Terminal {
	term := emv.DefaultTerminal()
	term.Now = func() time.Time { return time.Date(2026, 11, 21, 14, 5, 9, 0, time.UTC) }
	term.Rand = bytes.NewReader(bytes.Repeat([]byte{0xC4, 0x1E, 0x57, 0x0A}, 64))
	return term
}

func TestFillDOL(t *testing.T) {
	tests := []struct {
		name, dol, want string
	}{
		{"mir fast path", "9F6604 9F0206 9F0306 9F1A02 9505 5F2A02 9A03 9C01 9F3704 DF7001",
			"36004000 000000000000 000000000000 0643 0000000000 0643 261121 00 C41E570A 00"},
		{"time", "9F2103", "140509"},
		{"numeric cut on the left", "9F1A01", "43"},
		{"numeric padded on the left", "9F1A03", "000643"},
		{"binary cut on the right", "9F6602", "3600"},
		{"binary padded on the right", "9F6606", "360040000000"},
		{"unknown tag zero-filled", "DF8101 03", "000000"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dol, err := emv.ParseDOL(unhex(t, tt.dol))
			if err != nil {
				t.Fatal(err)
			}
			got, err := fixedTerminal().FillDOL(dol)
			if err != nil {
				t.Fatal(err)
			}
			if want := unhex(t, tt.want); !bytes.Equal(got, want) {
				t.Errorf("got %X, want %X", got, want)
			}
		})
	}
}

func TestFillDOLRefusesHugeRequests(t *testing.T) {
	dol, err := emv.ParseDOL(unhex(t, "DF01 81FF"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fixedTerminal().FillDOL(dol); !errors.Is(err, emv.ErrMalformed) {
		t.Errorf("FillDOL of 255 bytes = %v, want ErrMalformed", err)
	}
}

func TestParseDOLErrors(t *testing.T) {
	for _, in := range []string{"9F", "9F66", "9F6681"} {
		if _, err := emv.ParseDOL(unhex(t, in)); !errors.Is(err, emv.ErrMalformed) {
			t.Errorf("ParseDOL(%s) = %v, want ErrMalformed", in, err)
		}
	}
}

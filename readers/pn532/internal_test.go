package pn532

import (
	"bytes"
	"encoding/hex"
	"errors"
	"testing"
	"time"

	"karta/readers"
)

func TestParseTargets(t *testing.T) {
	tests := []struct {
		name, in string
		want     *Target
		err      error
	}{
		{"none", "00", nil, nil},
		{"bank card with ATS", "01 01 0004 20 04 085A3C91 06 7880700200",
			&Target{Tg: 1, SENSRes: [2]byte{0, 4}, SELRes: 0x20, NFCID: unhexT(t, "085A3C91"), ATS: unhexT(t, "067880700200")}, nil},
		{"MIFARE Classic, 7-byte UID", "01 01 0044 08 07 04112233445566",
			&Target{Tg: 1, SENSRes: [2]byte{0, 0x44}, SELRes: 0x08, NFCID: unhexT(t, "04112233445566")}, nil},
		{"empty", "", nil, ErrMalformed},
		{"short", "01 01 0004 20", nil, ErrMalformed},
		{"UID cut", "01 01 0004 20 07 0411", nil, ErrMalformed},
		{"ATS longer than sent", "01 01 0004 20 04 085A3C91 09 7880", nil, ErrMalformed},
		{"ATS length 0", "01 01 0004 20 04 085A3C91 00", nil, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseTargets(unhexT(t, tt.in))
			if !errors.Is(err, tt.err) || !sameTarget(got, tt.want) {
				t.Fatalf("parseTargets = %+v, %v; want %+v, %v", got, err, tt.want, tt.err)
			}
			if got != nil {
				if back := got.Append([]byte{0x01}); !bytes.Equal(back, unhexT(t, tt.in)) {
					t.Errorf("Append = % X; want %s", back, tt.in)
				}
			}
		})
	}
}

func sameTarget(a, b *Target) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a.Tg == b.Tg && a.SENSRes == b.SENSRes && a.SELRes == b.SELRes &&
		bytes.Equal(a.NFCID, b.NFCID) && bytes.Equal(a.ATS, b.ATS)
}

func unhexT(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(string(bytes.ReplaceAll([]byte(s), []byte(" "), nil)))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestISO14443_4(t *testing.T) {
	for sak, want := range map[byte]bool{0x20: true, 0x28: true, 0x08: false, 0x00: false, 0x60: true} {
		if got := (Target{SELRes: sak}).ISO14443_4(); got != want {
			t.Errorf("SEL_RES %02X: ISO14443_4 = %v; want %v", sak, got, want)
		}
	}
}

// TestStatusErrors: statuses that mean the card went unwrap to
// readers.ErrCardRemoved; chip and parameter errors do not.
func TestStatusErrors(t *testing.T) {
	tests := []struct {
		status byte
		gone   bool
	}{
		{0x01, true}, {0x41, true}, {0x02, true}, {0x27, true}, {0x29, true}, {0x2B, true},
		{0x07, false}, {0x10, false}, {0x0D, false}, {0x3F, false},
	}
	for _, tt := range tests {
		err := checkStatus(CmdInDataExchange, tt.status)
		if err == nil || errors.Is(err, readers.ErrCardRemoved) != tt.gone {
			t.Errorf("status %02X: %v; card gone %v, want %v", tt.status, err, errors.Is(err, readers.ErrCardRemoved), tt.gone)
		}
	}
	if err := checkStatus(CmdInDataExchange, 0x40); err != nil {
		t.Errorf("status 40 (MI, no error) = %v", err)
	}
	var se *StatusError
	if err := checkStatus(CmdInDataExchange, 0x01); !errors.As(err, &se) || se.Code() != 0x01 ||
		err.Error() != "pn532: InDataExchange: status 01: the target has not answered (timeout)" {
		t.Errorf("status 01: %v", err)
	}
}

func TestBackoff(t *testing.T) {
	o := Options{Backoff: 100 * time.Millisecond, MaxBackoff: time.Second}
	want := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for n, w := range want {
		if got := o.backoff(n); got != w*time.Millisecond {
			t.Errorf("backoff(%d) = %v; want %v", n, got, w*time.Millisecond)
		}
	}
}

func TestParseFirmware(t *testing.T) {
	if fw, err := parseFirmware([]byte{0x32, 1, 6, 7}); err != nil || fw.String() != "PN532 v1.6 (support 07)" {
		t.Errorf("parseFirmware = %v, %v", fw, err)
	}
	if _, err := parseFirmware([]byte{0x32, 1}); !errors.Is(err, ErrMalformed) {
		t.Errorf("short answer: %v", err)
	}
	if _, err := parseFirmware([]byte{0x33, 2, 1, 7}); err == nil {
		t.Errorf("a PN533 accepted")
	}
}

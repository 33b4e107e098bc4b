package pn532_test

import (
	"bytes"
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"karta/readers/pn532"
)

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAppend encodes frames whose bytes UM0701-02 and working hosts show.
func TestAppend(t *testing.T) {
	long := bytes.Repeat([]byte{0x11}, 259) // LEN 261; DCS -(D5+41+259*11) = B7
	tests := []struct {
		name  string
		frame pn532.Frame
		want  string
	}{
		{"GetFirmwareVersion", pn532.Info(pn532.TFIHost, 0x02), "00 00 FF 02 FE D4 02 2A 00"},
		{"SAMConfiguration normal", pn532.Info(pn532.TFIHost, 0x14, 0x01, 0x14, 0x01), "00 00 FF 05 FB D4 14 01 14 01 02 00"},
		{"InListPassiveTarget 1 type A", pn532.Info(pn532.TFIHost, 0x4A, 0x01, 0x00), "00 00 FF 04 FC D4 4A 01 00 E1 00"},
		{"firmware answer", pn532.Info(pn532.TFIDevice, 0x03, 0x32, 0x01, 0x06, 0x07), "00 00 FF 06 FA D5 03 32 01 06 07 E8 00"},
		{"ACK", pn532.Frame{Kind: pn532.KindACK}, "00 00 FF 00 FF 00"},
		{"NACK", pn532.Frame{Kind: pn532.KindNACK}, "00 00 FF FF 00 00"},
		{"error", pn532.Frame{Kind: pn532.KindError}, "00 00 FF 01 FF 7F 81 00"},
		{"extended", pn532.Info(pn532.TFIDevice, 0x41, long...),
			"00 00 FF FF FF 01 05 FA D5 41" + strings.Repeat("11", 259) + "B7 00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.frame.Append(nil)
			if want := unhex(t, tt.want); err != nil || !bytes.Equal(got, want) {
				t.Fatalf("Append = % X, %v; want % X", got, err, want)
			}
			back, err := pn532.ParseFrame(got)
			if err != nil || !sameFrame(back, tt.frame) {
				t.Fatalf("ParseFrame(Append) = %+v, %v; want %+v", back, err, tt.frame)
			}
		})
	}
}

func sameFrame(a, b pn532.Frame) bool {
	return a.Kind == b.Kind && a.TFI == b.TFI && bytes.Equal(a.Data, b.Data)
}

func TestAppendRefuses(t *testing.T) {
	for _, f := range []pn532.Frame{
		{Kind: pn532.KindInfo, TFI: pn532.TFIHost},
		pn532.Info(pn532.TFIHost, 0x40, make([]byte, pn532.MaxLen-1)...),
		{Kind: pn532.Kind(9)},
	} {
		if b, err := f.Append(nil); err == nil {
			t.Errorf("Append(%v, %d bytes) = % X; want an error", f.Kind, len(f.Data), b)
		}
	}
	if _, err := pn532.Info(pn532.TFIHost, 0x40, make([]byte, pn532.MaxLen-2)...).Append(nil); err != nil {
		t.Errorf("Append of a frame of MaxLen: %v", err)
	}
}

func TestParseFrameErrors(t *testing.T) {
	tests := []struct {
		name, in string
		want     error
	}{
		{"empty", "", pn532.ErrIncomplete},
		{"start code only", "00 00 FF", pn532.ErrIncomplete},
		{"no preamble", "00 FF 02 FE D4 02 2A 00", pn532.ErrMalformed},
		{"garbage", "12 34 56", pn532.ErrMalformed},
		{"length checksum", "00 00 FF 02 FD D4 02 2A 00", pn532.ErrChecksum},
		{"data checksum", "00 00 FF 02 FE D4 02 2B 00", pn532.ErrChecksum},
		{"cut in the data", "00 00 FF 06 FA D5 03 32", pn532.ErrIncomplete},
		{"no postamble", "00 00 FF 02 FE D4 02 2A", pn532.ErrIncomplete},
		{"bad postamble", "00 00 FF 02 FE D4 02 2A 01", pn532.ErrMalformed},
		{"trailing bytes", "00 00 FF 02 FE D4 02 2A 00 00", pn532.ErrMalformed},
		{"length 0", "00 00 FF 00 00 00 00", pn532.ErrMalformed},
		{"no command code", "00 00 FF 01 FF D4 2C 00", pn532.ErrMalformed},
		{"unknown TFI", "00 00 FF 02 FE D6 02 28 00", pn532.ErrMalformed},
		{"extended too long", "00 00 FF FF FF 02 00 FE D5 41", pn532.ErrTooLong},
		{"extended length checksum", "00 00 FF FF FF 01 05 FB D5", pn532.ErrChecksum},
		{"extended cut", "00 00 FF FF FF 01", pn532.ErrIncomplete},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := pn532.ParseFrame(unhex(t, tt.in))
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseFrame(%s) = %+v, %v; want %v", tt.in, f, err, tt.want)
			}
		})
	}
}

// TestRoundTrip encodes and parses information frames of every length.
func TestRoundTrip(t *testing.T) {
	for n := 1; n < pn532.MaxLen; n++ {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i*7 + n)
		}
		f := pn532.Frame{Kind: pn532.KindInfo, TFI: pn532.TFIDevice, Data: data}
		b, err := f.Append(nil)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if got, err := pn532.ParseFrame(b); err != nil || !sameFrame(got, f) {
			t.Fatalf("%d bytes: ParseFrame = %v", n, err)
		}
	}
}

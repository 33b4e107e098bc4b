package pcsc_test

import (
	"bytes"
	"testing"
	"time"

	"karta/readers/pcsc"
)

func TestSignalAPDU(t *testing.T) {
	tests := []struct {
		name string
		s    pcsc.Signal
		want []byte
	}{
		{"beep 200 ms", pcsc.Beep(200 * time.Millisecond),
			[]byte{0xFF, 0x00, 0x40, 0x00, 0x04, 0x02, 0x01, 0x01, 0x01}},
		{"green blinks, red ends on", pcsc.Signal{
			Red:   pcsc.LED{Set: true, On: true},
			Green: pcsc.LED{Blink: true, T1On: true},
			T1:    500 * time.Millisecond, T2: 500 * time.Millisecond, Repeat: 3, Buzzer: pcsc.BuzzerT1},
			[]byte{0xFF, 0x00, 0x40, 0xA5, 0x04, 0x05, 0x05, 0x03, 0x01}},
		{"both final states off, set", pcsc.Signal{Red: pcsc.LED{Set: true}, Green: pcsc.LED{Set: true}},
			[]byte{0xFF, 0x00, 0x40, 0x0C, 0x04, 0x00, 0x00, 0x00, 0x00}},
		{"on without Set changes nothing", pcsc.Signal{Red: pcsc.LED{On: true}},
			[]byte{0xFF, 0x00, 0x40, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00}},
		{"red blinks, both buzz, durations clamp", pcsc.Signal{
			Red: pcsc.LED{Blink: true, T1On: true}, T1: time.Hour, T2: -time.Second, Repeat: 255, Buzzer: pcsc.BuzzerBoth},
			[]byte{0xFF, 0x00, 0x40, 0x50, 0x04, 0xFF, 0x00, 0xFF, 0x03}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.s.APDU(); !bytes.Equal(got, tt.want) {
				t.Errorf("APDU = % X; want % X", got, tt.want)
			}
		})
	}
}

func TestGetUIDAPDU(t *testing.T) {
	if want := []byte{0xFF, 0xCA, 0x00, 0x00, 0x00}; !bytes.Equal(pcsc.GetUID, want) {
		t.Errorf("GetUID = % X; want % X", pcsc.GetUID, want)
	}
}

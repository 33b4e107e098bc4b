package vpcd_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"karta/sim/vpcd"
)

func TestWriteMessage(t *testing.T) {
	tests := []struct {
		name    string
		payload []byte
		want    []byte
	}{
		{"get ATR", []byte{vpcd.CtrlATR}, []byte{0x00, 0x01, 0x04}},
		{"empty", nil, []byte{0x00, 0x00}},
		{"SELECT", []byte{0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x06, 0x58, 0x00},
			[]byte{0x00, 0x0B, 0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x06, 0x58, 0x00}},
		{"longest", make([]byte, vpcd.MaxMessage), append([]byte{0xFF, 0xFF}, make([]byte, vpcd.MaxMessage)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := vpcd.WriteMessage(&b, tt.payload); err != nil || !bytes.Equal(b.Bytes(), tt.want) {
				t.Fatalf("WriteMessage = %X, %v; want %X", b.Bytes(), err, tt.want)
			}
			got, err := vpcd.ReadMessage(&b)
			if err != nil || !bytes.Equal(got, tt.payload) || len(got) != len(tt.payload) {
				t.Fatalf("ReadMessage = %X, %v; want %X", got, err, tt.payload)
			}
		})
	}
}

func TestWriteMessageTooLong(t *testing.T) {
	var b bytes.Buffer
	if err := vpcd.WriteMessage(&b, make([]byte, vpcd.MaxMessage+1)); !errors.Is(err, vpcd.ErrTooLong) || b.Len() != 0 {
		t.Errorf("WriteMessage of 65536 bytes = %v, wrote %d", err, b.Len())
	}
}

func TestReadMessageErrors(t *testing.T) {
	tests := []struct {
		name string
		in   []byte
		want error
	}{
		{"closed between messages", nil, io.EOF},
		{"closed inside the length", []byte{0x00}, io.ErrUnexpectedEOF},
		{"closed inside the payload", []byte{0x00, 0x05, 0x3B, 0x80}, io.ErrUnexpectedEOF},
		{"closed before the payload", []byte{0x00, 0x01}, io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := vpcd.ReadMessage(bytes.NewReader(tt.in)); err != tt.want {
				t.Errorf("ReadMessage = %v; want %v", err, tt.want)
			}
		})
	}
}

func TestDefaultATR(t *testing.T) {
	atr := vpcd.DefaultATR
	var tck byte
	for _, b := range atr[1:] {
		tck ^= b
	}
	if atr[0] != 0x3B || tck != 0 {
		t.Errorf("DefaultATR %X: TS %02X, XOR of T0..TCK %02X; want 3B and 00", atr, atr[0], tck)
	}
}

// FuzzReadMessage: whatever arrives, ReadMessage returns a payload that
// WriteMessage turns back into the bytes it read, or an error.
func FuzzReadMessage(f *testing.F) {
	f.Add([]byte{0x00, 0x01, 0x04})
	f.Add([]byte{0x00, 0x05, 0x3B, 0x80, 0x80, 0x01, 0x01, 0xFF})
	f.Add([]byte{0xFF, 0xFF, 0x00})
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		p, err := vpcd.ReadMessage(r)
		if err != nil {
			return
		}
		var b bytes.Buffer
		if err := vpcd.WriteMessage(&b, p); err != nil {
			t.Fatal(err)
		}
		if read := len(in) - r.Len(); !bytes.Equal(b.Bytes(), in[:read]) {
			t.Fatalf("read %X, wrote back %X", in[:read], b.Bytes())
		}
	})
}

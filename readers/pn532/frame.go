package pn532

import (
	"errors"
	"fmt"
)

// Frame identifiers (TFI): who sent an information frame.
const (
	TFIHost   = 0xD4 // host controller to PN532
	TFIDevice = 0xD5 // PN532 to host controller
)

// Limits of the frame format (UM0701-02 §6.2.1).
const (
	// MaxLen is the longest LEN (TFI and data) a PN532 sends or accepts:
	// its frame buffer holds 265 bytes, the payload of an extended frame.
	MaxLen = 265
	// maxNormalLen is the longest LEN of a normal frame; longer payloads
	// go in an extended frame.
	maxNormalLen = 255
)

// Kind says what a frame is.
type Kind uint8

// Frame kinds. An error frame is the PN532's answer to a command it could
// not take at the application level (a syntax error in the command).
const (
	KindInfo  Kind = iota // a command or a response: TFI and data
	KindACK               // 00 00 FF 00 FF 00
	KindNACK              // 00 00 FF FF 00 00: resend your last frame
	KindError             // 00 00 FF 01 FF 7F 81 00
)

var kindNames = [...]string{"info", "ACK", "NACK", "error"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", uint8(k))
}

// Frame is one frame on the line. For an information frame Data holds
// PD0..PDn: the command (or response) code and its parameters.
type Frame struct {
	Kind Kind
	TFI  byte
	Data []byte
}

// Code returns the command or response code PD0, or 0 for a frame with none.
func (f Frame) Code() byte {
	if f.Kind != KindInfo || len(f.Data) == 0 {
		return 0
	}
	return f.Data[0]
}

// The fixed frames, preamble and postamble included.
var (
	ackFrame   = []byte{0x00, 0x00, 0xFF, 0x00, 0xFF, 0x00}
	nackFrame  = []byte{0x00, 0x00, 0xFF, 0xFF, 0x00, 0x00}
	errorFrame = []byte{0x00, 0x00, 0xFF, 0x01, 0xFF, 0x7F, 0x81, 0x00}
)

// Info returns an information frame from tfi with code and params as data.
func Info(tfi, code byte, params ...byte) Frame {
	return Frame{Kind: KindInfo, TFI: tfi, Data: append([]byte{code}, params...)}
}

// Append appends the encoded frame, preamble and postamble included, to dst:
// a normal frame, or an extended frame when TFI and data exceed 255 bytes.
func (f Frame) Append(dst []byte) ([]byte, error) {
	switch f.Kind {
	case KindACK:
		return append(dst, ackFrame...), nil
	case KindNACK:
		return append(dst, nackFrame...), nil
	case KindError:
		return append(dst, errorFrame...), nil
	case KindInfo:
		return f.appendInfo(dst)
	}
	return dst, fmt.Errorf("pn532: cannot encode a frame of %v", f.Kind)
}

func (f Frame) appendInfo(dst []byte) ([]byte, error) {
	n := len(f.Data) + 1
	switch {
	case len(f.Data) == 0:
		return dst, errors.New("pn532: an information frame needs a command code")
	case n > MaxLen:
		return dst, fmt.Errorf("%w: %d bytes, at most %d", ErrTooLong, n, MaxLen)
	case n > maxNormalLen:
		dst = append(dst, 0x00, 0x00, 0xFF, 0xFF, 0xFF, byte(n>>8), byte(n), -(byte(n>>8) + byte(n)))
	default:
		dst = append(dst, 0x00, 0x00, 0xFF, byte(n), -byte(n))
	}
	dst = append(dst, f.TFI)
	dst = append(dst, f.Data...)
	return append(dst, dataChecksum(f.TFI, f.Data), 0x00), nil
}

// dataChecksum is DCS: TFI + PD0 + ... + PDn + DCS = 0 (mod 256).
func dataChecksum(tfi byte, data []byte) byte {
	sum := tfi
	for _, b := range data {
		sum += b
	}
	return -sum
}

package pn532

import (
	"bytes"
	"errors"
	"fmt"
)

// Why bytes are not a frame. Errors from ParseFrame and Decoder wrap one of
// these.
var (
	// ErrIncomplete: the bytes end before the frame does.
	ErrIncomplete = errors.New("pn532: incomplete frame")
	// ErrChecksum: the length checksum (LCS) or data checksum (DCS) is wrong.
	ErrChecksum = errors.New("pn532: frame checksum wrong")
	// ErrMalformed: not a frame of the PN532 protocol.
	ErrMalformed = errors.New("pn532: malformed frame")
	// ErrTooLong: the frame's length is more than MaxLen.
	ErrTooLong = errors.New("pn532: frame too long")
)

var (
	errLCS = fmt.Errorf("%w: length checksum (LCS)", ErrChecksum)
	errDCS = fmt.Errorf("%w: data checksum (DCS)", ErrChecksum)
)

// startCode opens every frame; the preamble 00 before it is optional on the
// line.
var startCode = []byte{0x00, 0xFF}

// ParseFrame parses b as exactly one frame as UM0701-02 writes it: preamble
// 00, start code 00 FF, the frame, postamble 00. Use a Decoder for a stream.
func ParseFrame(b []byte) (Frame, error) {
	head := []byte{0x00, 0x00, 0xFF}
	if !bytes.HasPrefix(b, head) {
		if bytes.HasPrefix(head, b) {
			return Frame{}, ErrIncomplete
		}
		return Frame{}, fmt.Errorf("%w: no preamble and start code", ErrMalformed)
	}
	f, n, err := parseAt(b[1:])
	if err != nil {
		return Frame{}, err
	}
	switch rest := b[1+n:]; {
	case len(rest) == 0:
		return Frame{}, fmt.Errorf("%w: no postamble", ErrIncomplete)
	case rest[0] != 0x00 || len(rest) > 1:
		return Frame{}, fmt.Errorf("%w: %d bytes after the checksum", ErrMalformed, len(rest))
	}
	return f, nil
}

// parseAt parses the frame whose start code opens b and returns it with the
// number of bytes it spans, start code to checksum. The postamble is not
// part of it: senders may leave it out.
func parseAt(b []byte) (Frame, int, error) {
	if len(b) < 4 {
		return Frame{}, 0, ErrIncomplete
	}
	switch {
	case b[2] == 0x00 && b[3] == 0xFF:
		return Frame{Kind: KindACK}, 4, nil
	case b[2] == 0xFF && b[3] == 0x00:
		return Frame{Kind: KindNACK}, 4, nil
	case b[2] == 0xFF && b[3] == 0xFF:
		return parseExtended(b)
	case b[2]+b[3] != 0:
		return Frame{}, 0, errLCS
	}
	return parseBody(b, 4, int(b[2]))
}

// parseExtended parses 00 FF FF FF LENM LENL LCS TFI ... DCS.
func parseExtended(b []byte) (Frame, int, error) {
	if len(b) < 7 {
		return Frame{}, 0, ErrIncomplete
	}
	if b[4]+b[5]+b[6] != 0 {
		return Frame{}, 0, errLCS
	}
	return parseBody(b, 7, int(b[4])<<8|int(b[5]))
}

// parseBody parses the n bytes of TFI and data at b[off:] and the DCS after
// them.
func parseBody(b []byte, off, n int) (Frame, int, error) {
	switch {
	case n == 0:
		return Frame{}, 0, fmt.Errorf("%w: length 0", ErrMalformed)
	case n > MaxLen:
		return Frame{}, 0, fmt.Errorf("%w: length %d, at most %d", ErrTooLong, n, MaxLen)
	case len(b) < off+n+1:
		return Frame{}, 0, ErrIncomplete
	}
	body := b[off : off+n]
	if dataChecksum(body[0], body[1:]) != b[off+n] {
		return Frame{}, 0, errDCS
	}
	f, err := classify(body)
	return f, off + n + 1, err
}

// classify turns a checked payload into a frame.
func classify(body []byte) (Frame, error) {
	switch {
	case len(body) == 1 && body[0] == 0x7F:
		return Frame{Kind: KindError}, nil
	case len(body) == 1:
		return Frame{}, fmt.Errorf("%w: no command code", ErrMalformed)
	case body[0] != TFIHost && body[0] != TFIDevice:
		return Frame{}, fmt.Errorf("%w: frame identifier %02X", ErrMalformed, body[0])
	}
	return Frame{Kind: KindInfo, TFI: body[0], Data: bytes.Clone(body[1:])}, nil
}

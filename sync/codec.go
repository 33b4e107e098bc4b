package sync

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// ErrPayload: a message that does not decode or does not make sense. The
// error says why; the message is dropped, nothing else happens.
var ErrPayload = errors.New("sync: bad payload")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrPayload, fmt.Sprintf(format, args...))
}

// Encode marshals a message, gzip-compressed when large.
func Encode(msg any) ([]byte, error) {
	b, err := json.Marshal(msg)
	if err != nil || len(b) <= CompressAbove {
		return b, err
	}
	var z bytes.Buffer
	w, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed) // BestSpeed is a valid level
	w.Write(b)
	if err := w.Close(); err != nil {
		return nil, err
	}
	return z.Bytes(), nil
}

// unpack returns the JSON of a payload, decompressing gzip, within
// MaxPayload.
func unpack(b []byte) ([]byte, error) {
	if len(b) > MaxPayload {
		return nil, bad("%d bytes, more than %d", len(b), MaxPayload)
	}
	if len(b) < 2 || b[0] != 0x1f || b[1] != 0x8b {
		return b, nil
	}
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, bad("gzip: %v", err)
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxPayload+1))
	if err != nil {
		return nil, bad("gzip: %v", err)
	}
	if len(out) > MaxPayload {
		return nil, bad("decompresses to more than %d bytes", MaxPayload)
	}
	return out, nil
}

// decode unpacks and unmarshals strictly: unknown fields are refused.
func decode(b []byte, v any) error {
	j, err := unpack(b)
	if err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(j))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return bad("json: %v", err)
	}
	if d.More() {
		return bad("trailing data after the message")
	}
	return nil
}

// version checks the "v" field.
func version(v int) error {
	if v != V {
		return bad("version %d, this side speaks %d", v, V)
	}
	return nil
}

// sameDevice checks that a payload names the device of its topic: a
// device may only speak for itself.
func sameDevice(topicDevice, device string) error {
	if device != topicDevice {
		return bad("payload of device %q on the topic of %q", device, topicDevice)
	}
	return nil
}

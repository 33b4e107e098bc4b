package pn532_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"karta/readers/pn532"
)

// addStreams seeds f with the testdata streams and the frames of TestAppend.
func addStreams(f *testing.F, add func(b []byte)) {
	files, err := filepath.Glob(filepath.Join("testdata", "streams", "*.hex"))
	if err != nil {
		f.Fatal(err)
	}
	for _, path := range files {
		add(readHex(f, path))
	}
	for _, s := range []string{
		"00 00 FF 02 FE D4 02 2A 00", "00 00 FF 00 FF 00", "00 00 FF FF 00 00",
		"00 00 FF 01 FF 7F 81 00", "00 00 FF 06 FA D5 03 32 01 06 07 E8 00",
		"00 00 FF FF FF 00 02 FE D5 4B E0 00",
	} {
		add(unhex(f, s))
	}
}

// FuzzParseFrame: ParseFrame never panics, and what it accepts encodes
// back to the same bytes (or, for an extended frame short enough to be a
// normal one, to the normal frame that parses the same).
func FuzzParseFrame(f *testing.F) {
	addStreams(f, func(b []byte) { f.Add(b) })
	f.Fuzz(func(t *testing.T, b []byte) {
		fr, err := pn532.ParseFrame(b)
		if err != nil {
			return
		}
		enc, err := fr.Append(nil)
		if err != nil {
			t.Fatalf("Append of a parsed frame: %v", err)
		}
		again, err := pn532.ParseFrame(enc)
		if err != nil || !sameFrame(again, fr) {
			t.Fatalf("ParseFrame(Append(%+v)) = %+v, %v", fr, again, err)
		}
		shortExtended := len(b) > 4 && b[3] == 0xFF && b[4] == 0xFF && len(fr.Data) < 255
		if !bytes.Equal(enc, b) && !shortExtended {
			t.Fatalf("% X parses to %+v, which encodes to % X", b, fr, enc)
		}
	})
}

// FuzzDecoder feeds garbage to a Decoder in chunks, then a frame. The
// Decoder never panics nor hoards bytes, every frame it returns is valid,
// and the frame after garbage free of zero bytes (so free of start codes)
// is found.
func FuzzDecoder(f *testing.F) {
	addStreams(f, func(b []byte) { f.Add(b, uint8(7)) })
	good := unhex(f, "00 00 FF 06 FA D5 03 32 01 06 07 E8 00")
	f.Fuzz(func(t *testing.T, garbage []byte, chunk uint8) {
		var d pn532.Decoder
		n := int(chunk%64) + 1
		decodeChunks(t, &d, garbage, n)
		d.Reset()
		noZeros := bytes.ReplaceAll(garbage, []byte{0}, []byte{1})
		got := decodeChunks(t, &d, append(noZeros, good...), n)
		if len(got) == 0 || !sameFrame(got[len(got)-1], pn532.Info(pn532.TFIDevice, 0x03, 0x32, 0x01, 0x06, 0x07)) {
			t.Fatalf("after % X: frames %+v; want the firmware answer last", noZeros, got)
		}
	})
}

// decodeChunks writes b in chunks of n, collects frames, flushes at the
// end, and checks the Decoder's bounds on the way.
func decodeChunks(t *testing.T, d *pn532.Decoder, b []byte, n int) []pn532.Frame {
	var out []pn532.Frame
	take := func() {
		for f, err := d.Next(); err == nil; f, err = d.Next() {
			if enc, err := f.Append(nil); err != nil {
				t.Fatalf("Decoder returned %+v, which does not encode: %v", f, err)
			} else if _, err := pn532.ParseFrame(enc); err != nil {
				t.Fatalf("Decoder returned %+v: %v", f, err)
			}
			out = append(out, f)
		}
	}
	for chunk := range slicesChunk(b, n) {
		d.Write(chunk)
		take()
		if d.Buffered() > pn532.MaxLen+8+n {
			t.Fatalf("the Decoder holds %d bytes", d.Buffered())
		}
	}
	for d.Pending() {
		d.Flush()
		take()
	}
	return out
}

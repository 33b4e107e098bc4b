package pn532_test

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/internal/golden"
	"karta/readers/pn532"
)

// readHex reads a testdata stream: hex bytes, "#" comment lines.
func readHex(t testing.TB, path string) []byte {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var b []byte
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if line := sc.Text(); !strings.HasPrefix(line, "#") {
			b = append(b, unhex(t, line)...)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return b
}

// decodeAll feeds stream to a Decoder one byte at a time and describes
// what comes out, flushing what is left pending at the end.
func decodeAll(stream []byte) []string {
	var d pn532.Decoder
	var out []string
	damaged := false
	note := func() {
		if d.Damaged() && !damaged {
			out = append(out, "(a damaged frame skipped)")
		}
		damaged = d.Damaged()
	}
	for i := range stream {
		d.Write(stream[i : i+1])
		for f, err := d.Next(); err == nil; f, err = d.Next() {
			note()
			out = append(out, describe(f))
		}
		note()
	}
	for d.Pending() {
		d.Flush()
		note()
		out = append(out, "(flushed a pending frame)")
	}
	return out
}

func describe(f pn532.Frame) string {
	if f.Kind != pn532.KindInfo {
		return f.Kind.String()
	}
	return strings.TrimSpace(fmt.Sprintf("%02X %02X [%d] % X", f.TFI, f.Code(), len(f.Data)-1, f.Data[1:]))
}

// TestDecoderStreams decodes the streams in testdata/streams, byte by byte,
// against streams.golden.
func TestDecoderStreams(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "streams", "*.hex"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no streams: %v", err)
	}
	var report strings.Builder
	for _, path := range files {
		fmt.Fprintf(&report, "%s\n", filepath.Base(path))
		for _, line := range decodeAll(readHex(t, path)) {
			fmt.Fprintf(&report, "\t%s\n", line)
		}
	}
	golden.Check(t, filepath.Join("testdata", "streams.golden"), []byte(report.String()))
}

// TestDecoderChunks: however the line splits the bytes, the same frames
// come out.
func TestDecoderChunks(t *testing.T) {
	stream := readHex(t, filepath.Join("testdata", "streams", "noise.hex"))
	var frames []string
	for _, line := range decodeAll(stream) {
		if !strings.HasPrefix(line, "(") {
			frames = append(frames, line)
		}
	}
	want := strings.Join(frames, "\n")
	for _, size := range []int{2, 3, 7, 64, len(stream)} {
		var d pn532.Decoder
		var got []string
		for chunk := range slicesChunk(stream, size) {
			d.Write(chunk)
			for f, err := d.Next(); err == nil; f, err = d.Next() {
				got = append(got, describe(f))
			}
		}
		if g := strings.Join(got, "\n"); g != want {
			t.Errorf("chunks of %d:\n%s\nwant the frames of:\n%s", size, g, want)
		}
	}
}

func slicesChunk(b []byte, n int) func(func([]byte) bool) {
	return func(yield func([]byte) bool) {
		for len(b) > 0 {
			k := min(n, len(b))
			if !yield(b[:k]) {
				return
			}
			b = b[k:]
		}
	}
}

// TestDecoderBounded: garbage does not pile up in the Decoder.
func TestDecoderBounded(t *testing.T) {
	var d pn532.Decoder
	noise := bytes.Repeat([]byte{0x00, 0xFF, 0x10, 0xF0, 0x7E}, 1000)
	for chunk := range slicesChunk(noise, 100) {
		d.Write(chunk)
		for _, err := d.Next(); err == nil; _, err = d.Next() {
		}
		if d.Buffered() > pn532.MaxLen+100+8 {
			t.Fatalf("the Decoder holds %d bytes", d.Buffered())
		}
	}
}

// TestDecoderNeedsMore: a frame arriving in pieces is not given up early.
func TestDecoderNeedsMore(t *testing.T) {
	var d pn532.Decoder
	d.Write(unhex(t, "00 00 FF 06 FA D5 03"))
	if _, err := d.Next(); !errors.Is(err, pn532.ErrIncomplete) || !d.Pending() || d.Damaged() {
		t.Fatalf("half a frame: Next = %v, Pending %v, Damaged %v", err, d.Pending(), d.Damaged())
	}
	d.Write(unhex(t, "32 01 06 07 E8 00"))
	if f, err := d.Next(); err != nil || f.Code() != 0x03 {
		t.Fatalf("Next = %+v, %v; want the firmware answer", f, err)
	}
	d.Reset()
	if d.Pending() || d.Buffered() != 0 {
		t.Errorf("after Reset: Pending %v, %d bytes", d.Pending(), d.Buffered())
	}
}

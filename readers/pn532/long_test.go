package pn532_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"karta/readers"
	"karta/readers/emv"
	"karta/readers/transcript"
	"karta/sim"
	simpn532 "karta/sim/pn532"
)

// girocard is a real card whose first record read is 229 bytes long.
var girocard = filepath.Join("..", "..", "..", "shared", "cards", "real", "ttycc7_girocard_maestro_voba.txt")

// TestLongAnswers reads cards whose answers do not fit one frame: through
// MI chaining in pieces of MaxDataIn bytes, or in one extended frame.
func TestLongAnswers(t *testing.T) {
	long := longRecordCard(t)
	tests := []struct {
		name      string
		card      func(t *testing.T) readers.Card
		maxDataIn int
		chained   int // InDataExchange answers with MI, at least
	}{
		{"girocard 229-byte record in 64-byte pieces", girocardCard, 64, 3},
		{"256-byte record in a normal frame and a piece", func(*testing.T) readers.Card { return long.Insert() }, 0, 1},
		{"256-byte record in one extended frame", func(*testing.T) readers.Card { return long.Insert() }, 262, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkNoLeaks(t)
			want, wantErr := emvReader(t).Read(t.Context(), tt.card(t))
			e := newEmulator(t, simpn532.Options{MaxDataIn: tt.maxDataIn})
			e.Insert(tt.card(t))
			got, err := read(t, waitCard(t, newReader(t, e, fast(t))))
			if err != nil || wantErr != nil || got.Token != want.Token || got.APDUs != want.APDUs {
				t.Fatalf("through the PN532: %s in %d APDUs, %v; directly: %s in %d, %v",
					got.PANMasked, got.APDUs, err, want.PANMasked, want.APDUs, wantErr)
			}
			if n := e.Stats().Chained; n < tt.chained || tt.chained == 0 && n != 0 {
				t.Errorf("%d answers chained with MI; want %d", n, tt.chained)
			}
		})
	}
}

func girocardCard(t *testing.T) readers.Card {
	tr, err := transcript.ParseFile(girocard)
	if err != nil {
		t.Skipf("real card transcript: %v", err)
	}
	return transcript.NewCard(tr)
}

// longRecordCard is the Mir debit card with its record padded to 256
// bytes with an issuer public key certificate (90): READ RECORD answers 258.
func longRecordCard(t *testing.T) *sim.Card {
	c := simCard(t, "mir-debit")
	key := [2]byte{1, 1}
	inner := c.Apps[0].Records[key][2:]
	filler := 200
	for range 4 {
		r := emv.Constructed(emv.TagRecord, inner, emv.Encode(0x90, bytes.Repeat([]byte{0xA5}, filler)))
		filler += 256 - len(r)
	}
	r := emv.Constructed(emv.TagRecord, inner, emv.Encode(0x90, bytes.Repeat([]byte{0xA5}, filler)))
	if len(r) != 256 {
		t.Fatalf("long record of %d bytes; want 256", len(r))
	}
	c.Apps[0].Records[key] = r
	return c
}

package pcsc_test

import (
	"bytes"
	"context"
	"testing"

	"karta/readers/emv"
	"karta/readers/pcsc"
	"karta/readers/pcsc/pcsctest"
	"karta/readers/transcript"
	"karta/sim"
	"karta/sim/vpcd"
)

// TestTranscriptThroughPCSCD: a transcript card, made from reading the sim
// Mir Pay phone, goes with an ATR of its own into the real pcscd's second
// vpcd reader and reads the same through PC/SC. (It lives here rather than
// in sim/vpcd so that sim/vpcd's tests stay free of cgo and run on ARM.)
func TestTranscriptThroughPCSCD(t *testing.T) {
	checkNoLeaks(t)
	d := pcsctest.Start(t)
	key := testKey(t)
	phone := simCard(t, "mir-pay")
	tr, err := sim.Transcript(t.Context(), phone, emv.NewReader(key, emv.Options{}))
	if err != nil {
		t.Fatal(err)
	}
	atr := []byte{0x3B, 0x8A, 0x80, 0x01, 0x4D, 0x49, 0x52, 0x20, 0x50, 0x41, 0x59, 0x20, 0x20, 0x20, 0x15}
	c := vpcd.NewClient(vpcd.Options{Addr: d.Addr(1), ATR: atr})
	defer c.Close()
	if err := c.Insert(func() vpcd.Responder { return transcript.NewCard(tr) }); err != nil {
		t.Fatal(err)
	}
	pc, err := pcsc.Open(pcsc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer pc.Close()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	card, err := pc.Reader(d.Reader(1)).WaitCard(ctx)
	if err != nil {
		t.Fatalf("WaitCard: %v\npcscd log:\n%s", err, d.Log())
	}
	defer card.Close()
	if got := card.(*pcsc.Card).ATR(); !bytes.Equal(got, atr) {
		t.Errorf("pcscd saw ATR %X; want %X", got, atr)
	}
	id, err := emv.NewReader(key, emv.Options{}).Read(ctx, card)
	if err != nil || id.Token != key.PANToken([]byte(phone.Want.PAN)) || id.APDUs != phone.Want.APDUs {
		t.Errorf("read %s in %d APDUs, %v; want the mir-pay number in %d", id.PANMasked, id.APDUs, err, phone.Want.APDUs)
	}
}

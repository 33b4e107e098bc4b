package pcsc_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"karta/readers"
	"karta/readers/emv"
	"karta/sim/vpcd"
)

// TestReadMirThroughPCSC reads the sim Mir debit card through vpcd, the real
// pcscd and libpcsclite: the identity is the card's, in 3 APDUs.
func TestReadMirThroughPCSC(t *testing.T) {
	s := newStack(t)
	want := simCard(t, "mir-debit")
	vc := s.insert(0, want, vpcd.Options{})
	r := s.pc.Reader(s.d.Reader(0))
	card := s.waitCard(r)
	if !bytes.Equal(card.ATR(), vpcd.DefaultATR) || card.Reader() != s.d.Reader(0) {
		t.Errorf("card in %q with ATR %X; want %q, %X", card.Reader(), card.ATR(), s.d.Reader(0), vpcd.DefaultATR)
	}
	id, err := emvReader(t).Read(t.Context(), card)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if id.Scheme != emv.SchemeMir || id.Token != testKey(t).PANToken([]byte(want.Want.PAN)) || id.APDUs != 3 {
		t.Errorf("identity %s %s in %d APDUs; want the mir-debit card in 3", id.Scheme, id.PANMasked, id.APDUs)
	}
	if vc.Answered() != 3 {
		t.Errorf("the virtual card answered %d APDUs; want 3", vc.Answered())
	}
}

// TestRemovedMidRead: the card leaves after SELECT and GPO; the read fails
// with ErrCardRemoved and yields no identity.
func TestRemovedMidRead(t *testing.T) {
	s := newStack(t)
	s.insert(0, simCard(t, "mir-debit"), vpcd.Options{DropAfter: 2})
	card := s.waitCard(s.pc.Reader(s.d.Reader(0)))
	id, err := emvReader(t).Read(t.Context(), card)
	t.Logf("read: %v", err)
	if !errors.Is(err, readers.ErrCardRemoved) || id.Token != "" {
		t.Fatalf("Read = %q, %v; want no identity and ErrCardRemoved", id.Token, err)
	}
	if _, err := card.Transmit(context.Background(), []byte{0x00, 0xB2, 0x01, 0x0C, 0x00}); !errors.Is(err, readers.ErrCardRemoved) {
		t.Errorf("Transmit after removal = %v; want ErrCardRemoved", err)
	}
	s.waitRemoved(card)
}

package pn532_test

import (
	"errors"
	"testing"

	"karta/readers"
	"karta/readers/emv"
	simpn532 "karta/sim/pn532"
)

// TestReadMir reads the sim Mir debit card through the emulator on a real
// pty: the identity is the card's, in 3 APDUs.
func TestReadMir(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	want := simCard(t, "mir-debit")
	e.Insert(want.Insert())
	card := waitCard(t, newReader(t, e, fast(t)))
	if !card.Target().ISO14443_4() {
		t.Errorf("target %+v does not say ISO 14443-4", card.Target())
	}
	id, err := read(t, card)
	if err != nil {
		t.Fatalf("Read: %v", err)
	}
	if id.Scheme != emv.SchemeMir || id.Token != testKey(t).PANToken([]byte(want.Want.PAN)) || id.APDUs != 3 {
		t.Errorf("identity %s %s in %d APDUs; want the mir-debit card in 3", id.Scheme, id.PANMasked, id.APDUs)
	}
	if n := e.Stats().Commands[0x40]; n != 3 {
		t.Errorf("the emulator answered %d InDataExchange; want 3", n)
	}
}

// TestRemovedMidRead: the card leaves after SELECT and GPO; the read fails
// with ErrCardRemoved and yields no identity.
func TestRemovedMidRead(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	c := simCard(t, "mir-debit").Insert()
	c.RemoveAfter = 2
	e.Insert(c)
	card := waitCard(t, newReader(t, e, fast(t)))
	id, err := read(t, card)
	t.Logf("read: %v", err)
	if !errors.Is(err, readers.ErrCardRemoved) || id.Token != "" {
		t.Fatalf("Read = %q, %v; want no identity and ErrCardRemoved", id.Token, err)
	}
	if _, err := card.Transmit(t.Context(), []byte{0x00, 0xB2, 0x01, 0x0C, 0x00}); !errors.Is(err, readers.ErrCardRemoved) {
		t.Errorf("Transmit after removal = %v; want ErrCardRemoved", err)
	}
}

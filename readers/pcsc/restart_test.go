package pcsc_test

import (
	"context"
	"errors"
	"testing"

	"karta/readers"
	"karta/readers/pcsc"
	"karta/sim/vpcd"
)

// TestPCSCDKilledAndRestarted: pcscd dies under a pending WaitCard, which
// reports ErrReaderGone; while it is down Open and WaitCard say the same;
// once it is back the same Reader and Context work again, and the virtual
// card, which reconnects by itself, is read.
func TestPCSCDKilledAndRestarted(t *testing.T) {
	s := newStack(t)
	r := s.pc.Reader(s.d.Reader(0))
	done := make(chan error, 1)
	go func() { _, err := r.WaitCard(t.Context()); done <- err }()
	waitBlocked(t, "scard.(*Context).GetStatusChange")
	s.d.Kill()
	if err := within(t, done, patience); !errors.Is(err, readers.ErrReaderGone) {
		t.Fatalf("WaitCard when pcscd died = %v; want ErrReaderGone", err)
	}
	if _, err := r.WaitCard(t.Context()); !errors.Is(err, readers.ErrReaderGone) {
		t.Errorf("WaitCard while pcscd is down = %v; want ErrReaderGone", err)
	}
	if _, err := pcsc.Open(pcsc.Options{}); !errors.Is(err, readers.ErrReaderGone) {
		t.Errorf("Open while pcscd is down = %v; want ErrReaderGone", err)
	}
	want := simCard(t, "mir-debit")
	vc := s.insert(0, want, vpcd.Options{}) // waits for vpcd with backoff
	s.d.Restart()
	if names, err := s.pc.Readers(); err != nil || len(names) != 2 {
		t.Errorf("Readers after the restart = %q, %v", names, err)
	}
	readOnce(t, r, want.Want.PAN)
	s.d.Stop() // vpcd hangs up on the card: it must come back by itself
	s.d.Restart()
	readOnce(t, r, want.Want.PAN)
	if vc.Answered() != 6 {
		t.Errorf("the card answered %d APDUs; want 2 reads of 3", vc.Answered())
	}
}

// readOnce waits for a card in r and reads it.
func readOnce(t *testing.T, r *pcsc.Reader, pan string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	card, err := r.WaitCard(ctx)
	if err != nil {
		t.Fatalf("WaitCard after the restart: %v", err)
	}
	defer card.Close()
	id, err := emvReader(t).Read(ctx, card)
	if err != nil || id.Token != testKey(t).PANToken([]byte(pan)) {
		t.Fatalf("read after the restart: %s, %v", id.PANMasked, err)
	}
}

// TestPCSCDKilledUnderCard: with a card connected, pcscd dies; Transmit
// reports ErrReaderGone, WaitRemoved counts the card gone, Close is clean.
func TestPCSCDKilledUnderCard(t *testing.T) {
	s := newStack(t)
	s.insert(0, simCard(t, "mir-debit"), vpcd.Options{})
	card := s.waitCard(s.pc.Reader(s.d.Reader(0)))
	s.d.Kill()
	_, err := card.Transmit(t.Context(), []byte{0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x06, 0x58, 0x00})
	t.Logf("Transmit: %v", err)
	if !errors.Is(err, readers.ErrReaderGone) {
		t.Errorf("Transmit after pcscd died = %v; want ErrReaderGone", err)
	}
	s.waitRemoved(card)
	if err := card.Close(); err != nil {
		t.Errorf("Close = %v", err)
	}
}

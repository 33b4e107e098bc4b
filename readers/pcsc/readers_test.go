package pcsc_test

import (
	"errors"
	"slices"
	"sync"
	"testing"

	"karta/readers"
	"karta/readers/pcsc"
	"karta/sim/vpcd"
)

// TestTwoReaders: vpcd's two slots are two readers; two cards are read at
// once, each from its own reader.
func TestTwoReaders(t *testing.T) {
	s := newStack(t)
	names, err := s.pc.Readers()
	if err != nil || !slices.Equal(names, []string{s.d.Reader(0), s.d.Reader(1)}) {
		t.Fatalf("Readers = %q, %v", names, err)
	}
	cards := []string{"mir-debit", "mir-par"}
	var wg sync.WaitGroup
	for slot, name := range cards {
		want := simCard(t, name)
		s.insert(slot, want, vpcd.Options{})
		card := s.waitCard(s.pc.Reader(s.d.Reader(slot)))
		wg.Go(func() {
			id, err := emvReader(t).Read(t.Context(), card)
			if err != nil || id.Token != testKey(t).PANToken([]byte(want.Want.PAN)) {
				t.Errorf("%s in %s: %s, %v", name, card.Reader(), id.PANMasked, err)
			}
		})
	}
	wg.Wait()
}

// TestReaderByPrefix: a prefix finds the first reader that has it, and Name
// is the full name once the reader has been seen.
func TestReaderByPrefix(t *testing.T) {
	s := newStack(t)
	s.insert(0, simCard(t, "mir-debit"), vpcd.Options{})
	r := s.pc.Reader("Virtual PCD")
	if r.Name() != "Virtual PCD" {
		t.Errorf("Name before = %q", r.Name())
	}
	card := s.waitCard(r)
	if r.Name() != s.d.Reader(0) || card.Reader() != s.d.Reader(0) {
		t.Errorf("Name after = %q, card in %q; want %q", r.Name(), card.Reader(), s.d.Reader(0))
	}
	if _, err := card.UID(t.Context()); err == nil {
		t.Errorf("UID from vpcd, which passes FF CA to the card: no error")
	}
}

// TestClosedContext: after Context.Close, Readers and new Readers say
// ErrClosed.
func TestClosedContext(t *testing.T) {
	s := newStack(t)
	s.pc.Close()
	if _, err := s.pc.Readers(); !errors.Is(err, readers.ErrClosed) {
		t.Errorf("Readers = %v; want ErrClosed", err)
	}
	if _, err := s.pc.Reader(s.d.Reader(0)).WaitCard(t.Context()); !errors.Is(err, readers.ErrClosed) {
		t.Errorf("WaitCard = %v; want ErrClosed", err)
	}
	if err := s.pc.Close(); err != nil {
		t.Errorf("second Close = %v", err)
	}
}

// TestOpenOptions: options in config-file words are checked.
func TestOpenOptions(t *testing.T) {
	for _, o := range []pcsc.Options{{Share: "shared-ish"}, {Protocol: "t2"}, {Disposition: "eject"}} {
		if _, err := pcsc.Open(o); err == nil {
			t.Errorf("Open(%+v): no error", o)
		}
	}
}

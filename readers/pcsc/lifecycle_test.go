package pcsc_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"karta/readers"
	"karta/readers/emv"
	"karta/readers/pcsc"
	"karta/sim/vpcd"
)

// cancelBound is how soon a cancelled wait must return. The design answers
// in milliseconds; the bound only catches a wait that is not cancelled.
const cancelBound = 2 * time.Second

// TestInsertReadRemoveCycles: the card comes and goes three times; each
// presentation is read, then WaitRemoved sees it leave.
func TestInsertReadRemoveCycles(t *testing.T) {
	s := newStack(t)
	want := simCard(t, "mir-credit")
	vc := s.insert(0, want, vpcd.Options{})
	r := s.pc.Reader(s.d.Reader(0))
	for i := range 3 {
		if i > 0 {
			if err := vc.Insert(func() vpcd.Responder { return want.Insert() }); err != nil {
				t.Fatal(err)
			}
		}
		card := s.waitCard(r)
		id, err := emvReader(t).Read(t.Context(), card)
		if err != nil || id.Token != testKey(t).PANToken([]byte(want.Want.PAN)) {
			t.Fatalf("presentation %d: read %s, %v", i+1, id.PANMasked, err)
		}
		vc.Remove()
		s.waitRemoved(card)
		if err := card.Close(); err != nil {
			t.Errorf("presentation %d: Close = %v", i+1, err)
		}
	}
	ctx, cancel := context.WithTimeout(t.Context(), 300*time.Millisecond)
	defer cancel()
	if c, err := r.WaitCard(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("WaitCard on the empty reader = %v, %v; want DeadlineExceeded", c, err)
	}
}

// TestVanishingCard: sim's vanishing card leaves after two APDUs through
// its own Responder; the read fails with ErrCardRemoved.
func TestVanishingCard(t *testing.T) {
	s := newStack(t)
	s.insert(0, simCard(t, "mir-vanishing"), vpcd.Options{})
	card := s.waitCard(s.pc.Reader(s.d.Reader(0)))
	if id, err := emvReader(t).Read(t.Context(), card); !errors.Is(err, readers.ErrCardRemoved) || id.Token != "" {
		t.Fatalf("Read = %q, %v; want ErrCardRemoved", id.Token, err)
	}
	s.waitRemoved(card)
}

// TestSlowCard: answers 150 ms late still make a good read.
func TestSlowCard(t *testing.T) {
	s := newStack(t)
	s.insert(0, simCard(t, "mir-pay"), vpcd.Options{Delay: 150 * time.Millisecond})
	card := s.waitCard(s.pc.Reader(s.d.Reader(0)))
	if id, err := emvReader(t).Read(t.Context(), card); err != nil || id.Scheme != emv.SchemeMir || !id.PARPresent {
		t.Fatalf("Read = %+v, %v", id, err)
	}
}

// TestCancelUnblocksWaitCard: a WaitCard blocked in PC/SC, on an empty
// reader or on one that is not plugged in, returns promptly when its ctx
// ends, leaving no goroutine behind (checkNoLeaks).
func TestCancelUnblocksWaitCard(t *testing.T) {
	s := newStack(t)
	for _, name := range []string{s.d.Reader(1), "Absent Reader"} {
		t.Run(name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			done := make(chan error, 1)
			go func() { _, err := s.pc.Reader(name).WaitCard(ctx); done <- err }()
			waitBlocked(t, "scard.(*Context).GetStatusChange")
			start := time.Now()
			cancel()
			if err := within(t, done, cancelBound); !errors.Is(err, context.Canceled) {
				t.Fatalf("WaitCard = %v; want context.Canceled", err)
			}
			t.Logf("returned %v after cancel", time.Since(start))
		})
	}
}

// TestCloseUnblocks: Reader.Close ends a pending WaitCard with ErrClosed,
// Card.Close a pending WaitRemoved with nil, a cancelled ctx a pending
// WaitRemoved with ctx.Err(), and Reader.Close a pending WaitRemoved of its
// card with nil.
func TestCloseUnblocks(t *testing.T) {
	s := newStack(t)
	empty := s.pc.Reader(s.d.Reader(1))
	done := make(chan error, 1)
	go func() { _, err := empty.WaitCard(t.Context()); done <- err }()
	waitBlocked(t, "scard.(*Context).GetStatusChange")
	empty.Close()
	if err := within(t, done, cancelBound); !errors.Is(err, readers.ErrClosed) {
		t.Errorf("WaitCard after Close = %v; want ErrClosed", err)
	}
	s.insert(0, simCard(t, "mir-debit"), vpcd.Options{})
	card := s.waitCard(s.pc.Reader(s.d.Reader(0)))
	ctx, cancel := context.WithCancel(t.Context())
	go func() { done <- card.WaitRemoved(ctx) }()
	waitBlocked(t, "scard.(*Context).GetStatusChange")
	cancel()
	if err := within(t, done, cancelBound); !errors.Is(err, context.Canceled) {
		t.Errorf("WaitRemoved after cancel = %v; want context.Canceled", err)
	}
	go func() { done <- card.WaitRemoved(t.Context()) }()
	waitBlocked(t, "scard.(*Context).GetStatusChange")
	card.Close()
	if err := within(t, done, cancelBound); err != nil {
		t.Errorf("WaitRemoved after Close = %v; want nil", err)
	}
	if _, err := card.Transmit(t.Context(), pcsc.GetUID); !errors.Is(err, readers.ErrClosed) {
		t.Errorf("Transmit after Close = %v; want ErrClosed", err)
	}
	r := s.pc.Reader(s.d.Reader(0))
	card = s.waitCard(r)
	go func() { done <- card.WaitRemoved(t.Context()) }()
	waitBlocked(t, "scard.(*Context).GetStatusChange")
	r.Close()
	if err := within(t, done, cancelBound); err != nil {
		t.Errorf("WaitRemoved after the Reader's Close = %v; want nil", err)
	}
}

// within returns what done delivers, failing t if that takes longer than d.
func within(t *testing.T, done <-chan error, d time.Duration) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(d):
		t.Fatalf("still blocked %v after being unblocked", d)
		return nil
	}
}

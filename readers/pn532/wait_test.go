package pn532_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"karta/readers"
	"karta/readers/pn532"
	simpn532 "karta/sim/pn532"
)

// promptly bounds how long a cancelled wait may take to return: a read
// slice of 20 ms and one command, with slack for a busy machine.
const promptly = time.Second

// TestWaitCardCancel: with no card, WaitCard returns soon after its
// context is cancelled.
func TestWaitCardCancel(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	r := newReader(t, e, fast(t))
	if _, err := r.Firmware(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, err := r.WaitCard(ctx); done <- err }()
	waitPolls(t, e, 3)
	cancel()
	expectWithin(t, done, context.Canceled)
}

// TestCloseUnblocksWaitCard: Close ends a WaitCard in progress.
func TestCloseUnblocksWaitCard(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{Faults: simpn532.Faults{Slow: time.Hour}})
	r := newReader(t, e, fast(t))
	done := make(chan error, 1)
	go func() { _, err := r.WaitCard(context.Background()); done <- err }()
	waitStat(t, func() bool { return e.Stats().Wakeups > 0 })
	r.Close()
	expectWithin(t, done, readers.ErrClosed)
}

func expectWithin(t *testing.T, done <-chan error, want error) {
	t.Helper()
	select {
	case err := <-done:
		if !errors.Is(err, want) {
			t.Fatalf("WaitCard = %v; want %v", err, want)
		}
	case <-time.After(promptly):
		t.Fatalf("WaitCard still waiting %v after it was told to stop", promptly)
	}
}

// waitPolls waits until the emulator has answered n InListPassiveTarget.
func waitPolls(t *testing.T, e *simpn532.Emulator, n int) {
	t.Helper()
	waitStat(t, func() bool { return e.Stats().Commands[pn532.CmdInListPassiveTarget] >= n })
}

func waitStat(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("the emulator did not get there within %v", patience)
		}
		time.Sleep(2 * time.Millisecond) // polling, not asserting
	}
}

// TestWaitRemoved: WaitRemoved returns once the card leaves, and waits
// while it stays.
func TestWaitRemoved(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	e.Insert(simCard(t, "mir-debit").Insert())
	card := waitCard(t, newReader(t, e, fast(t)))
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	if err := card.WaitRemoved(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("WaitRemoved with the card in the field = %v; want the deadline", err)
	}
	e.Remove()
	ctx, cancel = context.WithTimeout(t.Context(), patience)
	defer cancel()
	if err := card.WaitRemoved(ctx); err != nil {
		t.Fatalf("WaitRemoved after removal = %v", err)
	}
	if _, err := card.Transmit(t.Context(), selectMir); !errors.Is(err, readers.ErrCardRemoved) {
		t.Errorf("Transmit after removal = %v; want ErrCardRemoved", err)
	}
}

// TestCloseCard: Transmit after Close fails with ErrClosed, and Close is
// idempotent.
func TestCloseCard(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	e.Insert(simCard(t, "mir-debit").Insert())
	card := waitCard(t, newReader(t, e, fast(t)))
	for range 2 {
		if err := card.Close(); err != nil {
			t.Fatalf("Close = %v", err)
		}
	}
	if _, err := card.Transmit(t.Context(), selectMir); !errors.Is(err, readers.ErrClosed) {
		t.Errorf("Transmit after Close = %v; want ErrClosed", err)
	}
	if n := e.Stats().Commands[pn532.CmdInRelease]; n != 1 {
		t.Errorf("%d InRelease; want 1", n)
	}
}

// TestSkipsNonISO14443_4: a card without ISO 14443-4 (a MIFARE Classic,
// SEL_RES 08) is not handed out.
func TestSkipsNonISO14443_4(t *testing.T) {
	checkNoLeaks(t)
	mifare := simpn532.DefaultTarget
	mifare.SELRes, mifare.ATS = 0x08, nil
	e := newEmulator(t, simpn532.Options{Target: mifare})
	e.Insert(simCard(t, "mir-debit").Insert())
	r := newReader(t, e, fast(t))
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { _, err := r.WaitCard(ctx); done <- err }()
	waitStat(t, func() bool { return e.Stats().Commands[pn532.CmdInRelease] >= 2 })
	cancel()
	expectWithin(t, done, context.Canceled)
}

// TestNoReopen: without Options.Reopen a vanished device is gone at once.
func TestNoReopen(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	port, err := pn532.OpenSerial(e.Path(), 0)
	if err != nil {
		t.Fatal(err)
	}
	r := pn532.New(port, fast(t))
	defer r.Close()
	if _, err := r.Firmware(t.Context()); err != nil {
		t.Fatal(err)
	}
	e.Disconnect()
	if _, err := waitCardErr(t, r); !errors.Is(err, readers.ErrReaderGone) {
		t.Fatalf("WaitCard = %v; want ErrReaderGone", err)
	}
}

// TestFirmware: the firmware version comes from GetFirmwareVersion, and a
// device that is not a PN532 is refused.
func TestFirmware(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	fw, err := newReader(t, e, fast(t)).Firmware(t.Context())
	if err != nil || fw.String() != "PN532 v1.6 (support 07)" {
		t.Fatalf("Firmware = %v, %v", fw, err)
	}
	e533 := newEmulator(t, simpn532.Options{Firmware: pn532.Firmware{IC: 0x33, Ver: 2}})
	if _, err := newReader(t, e533, fast(t)).Firmware(t.Context()); !errors.Is(err, readers.ErrReaderGone) {
		t.Fatalf("Firmware of a PN533 = %v; want ErrReaderGone after the retries", err)
	}
}

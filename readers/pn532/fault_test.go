package pn532_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"karta/readers"
	"karta/readers/emv"
	"karta/readers/pn532"
	simpn532 "karta/sim/pn532"
)

// TestBadLine reads the Mir card over a line that misbehaves, with answers
// in pieces of 16 bytes to make more frames: the driver resyncs, resends
// and asks again, and the read succeeds. (A run of 500 seeds of
// "everything" passed while this was written.)
func TestBadLine(t *testing.T) {
	tests := []struct {
		name   string
		faults simpn532.Faults
		seeds  uint64
	}{
		{"noise", simpn532.Faults{Noise: 0.5}, 3},
		{"corrupt checksums", simpn532.Faults{Corrupt: 0.3}, 3},
		{"truncated frames", simpn532.Faults{Truncate: 0.3}, 3},
		{"ACKs lost", simpn532.Faults{DropACK: 0.3}, 3},
		{"slow", simpn532.Faults{Slow: 20 * time.Millisecond}, 1},
		{"everything", simpn532.Faults{Noise: 0.3, Corrupt: 0.15, Truncate: 0.15, DropACK: 0.15, Slow: 2 * time.Millisecond}, 10},
	}
	for _, tt := range tests {
		for seed := range tt.seeds {
			t.Run(fmt.Sprintf("%s/%d", tt.name, seed), func(t *testing.T) {
				readOverBadLine(t, tt.faults, seed)
			})
		}
	}
}

func readOverBadLine(t *testing.T, faults simpn532.Faults, seed uint64) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{Faults: faults, Seed: seed, MaxDataIn: 16})
	want := simCard(t, "mir-debit")
	e.Insert(want.Insert())
	opts := fast(t)
	opts.Retries = 6
	id, err := read(t, waitCard(t, newReader(t, e, opts)))
	if err != nil || id.Token != testKey(t).PANToken([]byte(want.Want.PAN)) {
		t.Fatalf("Read = %s, %v; want the mir-debit card", id.PANMasked, err)
	}
	st := e.Stats()
	t.Logf("emulator: %d NACKs, %d aborts, commands %v", st.NACKs, st.Aborts, st.Commands)
}

// TestHopelessLine: every answer is cut short. The read fails with a
// timeout within its bound, never hangs.
func TestHopelessLine(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	e.Insert(simCard(t, "mir-debit").Insert())
	r := newReader(t, e, fast(t))
	card := waitCard(t, r)
	e.SetFaults(simpn532.Faults{Truncate: 1})
	_, err := read(t, card)
	t.Logf("read: %v", err)
	if !errors.Is(err, readers.ErrTimeout) {
		t.Fatalf("Read = %v; want ErrTimeout", err)
	}
}

// TestHangAndBack: the PN532 stops answering mid-read. The exchange fails
// with ErrTimeout within its bound, WaitCard reports the reader gone after
// its retries, and once the PN532 answers again WaitCard finds the card.
func TestHangAndBack(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	e.Insert(simCard(t, "mir-debit").Insert())
	opts := fast(t)
	r := newReader(t, e, opts)
	card := waitCard(t, r)
	e.Hang(true)
	start := time.Now()
	_, err := card.Transmit(t.Context(), selectMir)
	bound := time.Duration(opts.Retries+1)*opts.AckTimeout + time.Second // a second of slack for a busy machine
	if took := time.Since(start); !errors.Is(err, readers.ErrTimeout) || took > bound {
		t.Fatalf("Transmit to a hung PN532 = %v after %v; want ErrTimeout within %v", err, took, bound)
	}
	card.Close()
	if _, err := waitCardErr(t, r); !errors.Is(err, readers.ErrReaderGone) {
		t.Fatalf("WaitCard on a hung PN532 = %v; want ErrReaderGone", err)
	}
	e.Hang(false)
	readBack(t, r)
}

// TestUnpluggedAndBack: the device vanishes mid-read (the pty closes). The
// card is gone, WaitCard reports the reader gone, and once the device is
// back (a new pty behind the same link) WaitCard reopens it.
func TestUnpluggedAndBack(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{})
	e.Insert(simCard(t, "mir-debit").Insert())
	r := newReader(t, e, fast(t))
	card := waitCard(t, r)
	if err := e.Disconnect(); err != nil {
		t.Fatal(err)
	}
	var le *pn532.LineError
	if _, err := card.Transmit(t.Context(), selectMir); !errors.As(err, &le) {
		t.Fatalf("Transmit on a vanished device = %v; want a LineError", err)
	}
	card.Close()
	if _, err := waitCardErr(t, r); !errors.Is(err, readers.ErrReaderGone) {
		t.Fatalf("WaitCard on a vanished device = %v; want ErrReaderGone", err)
	}
	if err := e.Reconnect(); err != nil {
		t.Fatal(err)
	}
	readBack(t, r)
	if e.Stats().Wakeups != 2 {
		t.Errorf("the PN532 was woken %d times; want 2 (once per power-on)", e.Stats().Wakeups)
	}
}

var selectMir = []byte{0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x06, 0x58, 0x00}

func waitCardErr(t *testing.T, r interface {
	WaitCard(context.Context) (readers.Card, error)
}) (readers.Card, error) {
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	c, err := r.WaitCard(ctx)
	if c != nil {
		t.Cleanup(func() { c.Close() })
	}
	return c, err
}

// readBack checks that r finds and reads the card again.
func readBack(t *testing.T, r interface {
	WaitCard(context.Context) (readers.Card, error)
}) {
	t.Helper()
	c, err := waitCardErr(t, r)
	if err != nil {
		t.Fatalf("WaitCard once the PN532 is back: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	if id, err := emvReader(t).Read(ctx, c); err != nil || id.Scheme != emv.SchemeMir {
		t.Fatalf("Read once the PN532 is back: %s, %v", id.Scheme, err)
	}
}

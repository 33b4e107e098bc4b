package vpcd_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"karta/readers/readertest"
	"karta/sim"
	"karta/sim/vpcd"
	"karta/sim/vpcd/vpcdtest"
)

// patience bounds waits on the Client's goroutine; tests never sleep to assert.
const patience = 10 * time.Second

var selectMir = []byte{0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x06, 0x58, 0x00}

// fixture is a fake vpcd with a Client pointed at it.
type fixture struct {
	t        *testing.T
	srv      *vpcdtest.Server
	c        *vpcd.Client
	presents atomic.Int32 // presentations made
}

func newFixture(t *testing.T, opts vpcd.Options) *fixture {
	t.Helper()
	checkNoLeaks(t)
	srv, err := vpcdtest.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	opts.Addr = srv.Addr()
	f := &fixture{t: t, srv: srv, c: vpcd.NewClient(opts)}
	t.Cleanup(func() { f.c.Close() })
	return f
}

// insert inserts the sim card and accepts its connection.
func (f *fixture) insert(name string) *vpcdtest.Conn {
	f.t.Helper()
	card, ok := sim.Lookup(name)
	if !ok {
		f.t.Fatalf("no sim card %q", name)
	}
	err := f.c.Insert(func() vpcd.Responder { f.presents.Add(1); return card.Insert() })
	if err != nil {
		f.t.Fatal(err)
	}
	return f.accept()
}

func (f *fixture) accept() *vpcdtest.Conn {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(f.t.Context(), patience)
	defer cancel()
	conn, err := f.srv.Accept(ctx)
	if err != nil {
		f.t.Fatalf("the card did not connect: %v", err)
	}
	f.t.Cleanup(func() { conn.Close() })
	return conn
}

// removed waits until the Client says the card has left.
func (f *fixture) removed() {
	f.t.Helper()
	select {
	case <-f.c.Removed():
	case <-time.After(patience):
		f.t.Fatal("the card is still in the reader")
	}
}

func TestClientAnswersLikeACard(t *testing.T) {
	f := newFixture(t, vpcd.Options{})
	conn := f.insert("mir-debit")
	if atr, err := conn.ATR(); err != nil || !bytes.Equal(atr, vpcd.DefaultATR) {
		t.Fatalf("ATR = %X, %v", atr, err)
	}
	if err := conn.PowerOn(); err != nil {
		t.Fatal(err)
	}
	resp, err := conn.Transmit(selectMir)
	if err != nil || !bytes.HasSuffix(resp, []byte{0x90, 0x00}) || resp[0] != 0x6F {
		t.Fatalf("SELECT = %X, %v; want an FCI and 9000", resp, err)
	}
	if atr, err := conn.ATR(); err != nil || !bytes.Equal(atr, vpcd.DefaultATR) {
		t.Errorf("ATR between APDUs = %X, %v", atr, err) // pcscd's presence poll
	}
	if f.c.Answered() != 1 {
		t.Errorf("Answered = %d; want 1", f.c.Answered())
	}
}

// TestPowerStartsAPresentation: power on and reset restart the card OS,
// so the next APDU goes to a fresh Responder.
func TestPowerStartsAPresentation(t *testing.T) {
	f := newFixture(t, vpcd.Options{ATR: []byte{0x3B, 0x00}})
	conn := f.insert("mir-debit")
	steps := []func() error{conn.PowerOn, conn.PowerOff, conn.PowerOn, conn.Reset}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatal(err)
		}
		if _, err := conn.Transmit(selectMir); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if atr, _ := conn.ATR(); !bytes.Equal(atr, []byte{0x3B, 0x00}) {
		t.Errorf("ATR = %X; want the configured one", atr)
	}
	if n := f.presents.Load(); n != int32(len(steps)) {
		t.Errorf("%d presentations; want %d", n, len(steps))
	}
}

func TestCardLeavesMidExchange(t *testing.T) {
	tests := []struct {
		name string
		card string
		opts vpcd.Options
	}{
		{"DropAfter", "mir-debit", vpcd.Options{DropAfter: 2}},
		{"Responder removed", "mir-vanishing", vpcd.Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, tt.opts)
			conn := f.insert(tt.card)
			for range 2 {
				if _, err := conn.Transmit(selectMir); err != nil {
					t.Fatal(err)
				}
			}
			if resp, err := conn.Transmit(selectMir); err != io.EOF {
				t.Fatalf("third APDU = %X, %v; want the connection closed (EOF)", resp, err)
			}
			f.removed()
			if f.c.Answered() != 2 {
				t.Errorf("Answered = %d; want 2", f.c.Answered())
			}
		})
	}
}

func TestRemoveAndInsertAgain(t *testing.T) {
	f := newFixture(t, vpcd.Options{})
	conn := f.insert("mir-debit")
	if err := f.c.Insert(nil); !errors.Is(err, vpcd.ErrInserted) {
		t.Errorf("second Insert = %v; want ErrInserted", err)
	}
	f.c.Remove()
	if _, err := conn.ATR(); err != io.EOF {
		t.Errorf("ATR after Remove = %v; want EOF", err)
	}
	f.removed()
	conn = f.insert("mir-credit")
	if _, err := conn.Transmit(selectMir); err != nil {
		t.Errorf("after inserting again: %v", err)
	}
	f.c.Close()
	if err := f.c.Insert(nil); !errors.Is(err, vpcd.ErrClosed) {
		t.Errorf("Insert after Close = %v; want ErrClosed", err)
	}
}

// TestVPCDHangsUp: when vpcd drops the connection (pcscd stopped), the card
// connects again by itself.
func TestVPCDHangsUp(t *testing.T) {
	f := newFixture(t, vpcd.Options{})
	f.insert("mir-debit").Close()
	conn := f.accept()
	if _, err := conn.Transmit(selectMir); err != nil {
		t.Fatalf("after reconnecting: %v", err)
	}
	select {
	case <-f.c.Removed():
		t.Error("Removed is closed although the card is back in")
	default:
	}
}

// TestWaitsForVPCD: a card inserted before vpcd listens connects once it
// does.
func TestWaitsForVPCD(t *testing.T) {
	checkNoLeaks(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	c := vpcd.NewClient(vpcd.Options{Addr: addr, Backoff: time.Millisecond, MaxBackoff: 20 * time.Millisecond})
	defer c.Close()
	card := readertest.NewCard(nil)
	if err := c.Insert(func() vpcd.Responder { return card }); err != nil {
		t.Fatal(err)
	}
	srv, err := vpcdtest.Listen(addr)
	if err != nil {
		t.Skipf("the port went to someone else: %v", err)
	}
	defer srv.Close()
	ctx, cancel := context.WithTimeout(t.Context(), patience)
	defer cancel()
	conn, err := srv.Accept(ctx)
	if err != nil {
		t.Fatalf("the card never connected: %v", err)
	}
	defer conn.Close()
	if resp, err := conn.Transmit(selectMir); err != nil || !bytes.Equal(resp, []byte{0x90, 0x00}) {
		t.Errorf("Transmit = %X, %v", resp, err)
	}
}

// TestRemoveDuringDelay: a slow card is taken out while it is thinking.
func TestRemoveDuringDelay(t *testing.T) {
	f := newFixture(t, vpcd.Options{Delay: time.Hour})
	conn := f.insert("mir-debit")
	if err := conn.Send(selectMir); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { f.c.Remove(); close(done) }()
	select {
	case <-done:
	case <-time.After(patience):
		t.Fatal("Remove did not interrupt the delay")
	}
}

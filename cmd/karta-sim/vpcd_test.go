package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/internal/syncbuf"
	"karta/sim/vpcd/vpcdtest"
)

var selectMir = []byte{0x00, 0xA4, 0x04, 0x00, 0x05, 0xA0, 0x00, 0x00, 0x06, 0x58, 0x00}

func TestVPCDUsage(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("R: 9000\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"vpcd"},
		{"vpcd", "--card", "mir-debit", "--transcript", bad},
		{"vpcd", "--card", "nope"},
		{"vpcd", "--transcript", bad},
		{"vpcd", "--card", "mir-debit", "--atr", "3B8"},
		{"vpcd", "--frob"},
	} {
		if _, errOut, code := karta(args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

// TestVPCDInsertsAndRemoves: --count 2 --hold puts the card in a fake vpcd
// twice; each time it answers, then leaves; then the command ends.
func TestVPCDInsertsAndRemoves(t *testing.T) {
	srv, err := vpcdtest.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	var out syncbuf.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(t.Context(), []string{"vpcd", "--card", "mir-debit", "--addr", srv.Addr(),
			"--count", "2", "--hold", "100ms", "--gap", "10ms", "-v"}, &out, io.Discard)
	}()
	for i := range 2 {
		conn := accept(t, srv)
		if resp, err := conn.Transmit(selectMir); err != nil || !bytes.HasSuffix(resp, []byte{0x90, 0x00}) {
			t.Fatalf("insertion %d: SELECT = %X, %v", i+1, resp, err)
		}
		waitGone(t, conn)
	}
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{"insertion 2 of 2", "vpcd: answered", "sw=9000", "taken out after 2 APDUs"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "6F") {
		t.Errorf("output shows response data:\n%s", out.String())
	}
}

// TestVPCDStopsOnCancel: without --hold the card stays in until Ctrl-C.
func TestVPCDStopsOnCancel(t *testing.T) {
	srv, err := vpcdtest.Listen("")
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"vpcd", "--card", "mir-pay", "--addr", srv.Addr()}, io.Discard, io.Discard)
	}()
	conn := accept(t, srv)
	if _, err := conn.ATR(); err != nil {
		t.Fatal(err)
	}
	cancel()
	waitGone(t, conn)
	if code := <-done; code != 0 {
		t.Errorf("exit %d", code)
	}
}

func accept(t *testing.T, srv *vpcdtest.Server) *vpcdtest.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	conn, err := srv.Accept(ctx)
	if err != nil {
		t.Fatalf("the card did not connect: %v", err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn
}

// waitGone asks for the ATR, as pcscd's presence poll does, until the card
// has gone (the connection is closed).
func waitGone(t *testing.T, conn *vpcdtest.Conn) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := conn.ATR(); err != nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the card is still in")
		}
		time.Sleep(5 * time.Millisecond) // polling, as pcscd does
	}
}

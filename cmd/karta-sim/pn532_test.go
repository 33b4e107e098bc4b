package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"karta/offline/token"
	"karta/readers/emv"
	"karta/readers/pn532"
)

// TestPN532Command runs karta-sim pn532 with the Mir debit card, reads the
// card through the printed path with the pn532 driver, and drives the
// emulator from standard input.
func TestPN532Command(t *testing.T) {
	inR, inW := io.Pipe()
	pn532Stdin = inR
	t.Cleanup(func() { pn532Stdin = os.Stdin })
	outR, outW := io.Pipe()
	lines := make(chan string, 8)
	go func() {
		defer close(lines)
		for sc := bufio.NewScanner(outR); sc.Scan(); {
			lines <- sc.Text()
		}
	}()
	ctx, cancel := context.WithCancel(t.Context())
	code := make(chan int, 1)
	var stderr strings.Builder
	go func() { code <- run(ctx, []string{"pn532", "--card", "mir-debit", "--noise", "0.2"}, outW, &stderr) }()
	path := nextLine(t, lines)
	if !strings.HasPrefix(path, "/dev/pts/") {
		cancel()
		if <-code == 1 && os.Getenv("CI") != "true" {
			t.Skipf("no pty: %s", stderr.String())
		}
		t.Fatalf("first line %q; want the pty's path", path)
	}
	readMirOn(t, path)
	inW.Write([]byte("remove\n"))
	if got := nextLine(t, lines); got != "card removed" {
		t.Errorf("remove: %q", got)
	}
	cancel()
	inW.Close()
	if c := <-code; c != 0 {
		t.Errorf("exit %d: %s", c, stderr.String())
	}
	outW.Close()
}

func nextLine(t *testing.T, lines <-chan string) string {
	t.Helper()
	select {
	case l := <-lines:
		return l
	case <-time.After(10 * time.Second):
		t.Fatal("no output from karta-sim pn532")
		return ""
	}
}

func readMirOn(t *testing.T, path string) {
	t.Helper()
	port, err := pn532.OpenSerial(path, 0)
	if err != nil {
		t.Fatal(err)
	}
	r := pn532.New(port, pn532.Options{PollInterval: 5 * time.Millisecond})
	defer r.Close()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	card, err := r.WaitCard(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer card.Close()
	key, err := token.NewKey("test", []byte("karta-sim-pn532-test-secret"))
	if err != nil {
		t.Fatal(err)
	}
	if id, err := emv.NewReader(key, emv.Options{}).Read(ctx, card); err != nil || id.Scheme != emv.SchemeMir || id.APDUs != 3 {
		t.Fatalf("read through the emulator: %s in %d APDUs, %v", id.Scheme, id.APDUs, err)
	}
}

func TestPN532CommandErrors(t *testing.T) {
	for _, args := range [][]string{
		{"pn532", "--card", "nope"},
		{"pn532", "--card", "mir-debit", "--transcript", "x.txt"},
		{"pn532", "--transcript", "/nonexistent.txt"},
		{"pn532", "--frob"},
	} {
		if _, errOut, code := karta(args...); code != 2 || errOut == "" {
			t.Errorf("%v: exit %d, stderr %q; want 2 and a message", args, code, errOut)
		}
	}
}

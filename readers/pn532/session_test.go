package pn532_test

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"karta/internal/golden"
	"karta/readers/pn532"
	simpn532 "karta/sim/pn532"
)

// recordingPort keeps what went over the line each way.
type recordingPort struct {
	pn532.Port
	mu      sync.Mutex
	in, out bytes.Buffer
}

func (p *recordingPort) Read(b []byte) (int, error) {
	n, err := p.Port.Read(b)
	p.mu.Lock()
	p.in.Write(b[:n])
	p.mu.Unlock()
	return n, err
}

func (p *recordingPort) Write(b []byte) (int, error) {
	p.mu.Lock()
	p.out.Write(b)
	p.mu.Unlock()
	return p.Port.Write(b)
}

// TestSession pins the conversation of one card presentation, both ways,
// in testdata/session.golden: start-up, a poll, an exchange, a long answer
// fetched with MI, a presence check after the card left, the release.
func TestSession(t *testing.T) {
	checkNoLeaks(t)
	e := newEmulator(t, simpn532.Options{MaxDataIn: 32})
	e.Insert(echoCard{})
	port, err := pn532.OpenSerial(e.Link(), 0)
	if err != nil {
		t.Fatal(err)
	}
	rec := &recordingPort{Port: port}
	r := pn532.New(rec, fast(t))
	defer r.Close()
	card := waitCard(t, r)
	for _, apdu := range [][]byte{selectMir, {0x00, 0xB2, 0x01, 0x0C, 0x28}} {
		if _, err := card.Transmit(t.Context(), apdu); err != nil {
			t.Fatal(err)
		}
	}
	e.Remove()
	if err := card.WaitRemoved(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := card.Close(); err != nil {
		t.Fatal(err)
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	var report strings.Builder
	for _, side := range []struct {
		name string
		b    []byte
	}{{"host", rec.out.Bytes()}, {"PN532", rec.in.Bytes()}} {
		fmt.Fprintf(&report, "%s\n\t%s\n", side.name, strings.Join(decodeAll(side.b), "\n\t"))
	}
	golden.Check(t, filepath.Join("testdata", "session.golden"), []byte(report.String()))
}

// echoCard answers a command with Le bytes counting up from 1 and 9000.
type echoCard struct{}

func (echoCard) Transmit(_ context.Context, cmd []byte) ([]byte, error) {
	n := int(cmd[len(cmd)-1])
	out := make([]byte, n, n+2)
	for i := range out {
		out[i] = byte(i + 1)
	}
	return append(out, 0x90, 0x00), nil
}

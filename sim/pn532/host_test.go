package pn532_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	drv "karta/readers/pn532"
	simpn532 "karta/sim/pn532"
)

// patience bounds every wait; the tests never sleep to assert.
const patience = 5 * time.Second

// host is the host side of the line, frame by frame, without the driver.
type host struct {
	t   *testing.T
	f   *os.File
	dec drv.Decoder
	buf [512]byte
}

// start runs an emulator and opens its pty as the host.
func start(t *testing.T, opts simpn532.Options) (*simpn532.Emulator, *host) {
	t.Helper()
	checkNoLeaks(t)
	if opts.Link == "" {
		opts.Link = filepath.Join(t.TempDir(), "pn532")
	}
	e, err := simpn532.New(opts)
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PN532 emulator: %v", err)
		}
		t.Skipf("no pty for the PN532 emulator (%v): this test needs /dev/ptmx and devpts", err)
	}
	t.Cleanup(func() { e.Close() })
	return e, dial(t, e.Link())
}

func dial(t *testing.T, path string) *host {
	t.Helper()
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return &host{t: t, f: f}
}

func (h *host) write(b []byte) {
	h.t.Helper()
	if _, err := h.f.Write(b); err != nil {
		h.t.Fatal(err)
	}
}

func (h *host) wake() { h.write([]byte{0x55, 0x55, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}) }

// send sends a command frame.
func (h *host) send(code byte, params ...byte) {
	h.t.Helper()
	b, err := drv.Info(drv.TFIHost, code, params...).Append(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	h.write(b)
}

func (h *host) sendKind(k drv.Kind) {
	h.t.Helper()
	b, err := drv.Frame{Kind: k}.Append(nil)
	if err != nil {
		h.t.Fatal(err)
	}
	h.write(b)
}

// next returns the next frame from the emulator, within patience.
func (h *host) next() drv.Frame {
	h.t.Helper()
	deadline := time.Now().Add(patience)
	for {
		if f, err := h.dec.Next(); err == nil {
			return f
		}
		h.f.SetReadDeadline(deadline)
		n, err := h.f.Read(h.buf[:])
		if err != nil {
			h.t.Fatalf("no frame from the emulator: %v", err)
		}
		h.dec.Write(h.buf[:n])
	}
}

// call sends a command and returns the answer's data after its code,
// checking the ACK before it.
func (h *host) call(code byte, params ...byte) []byte {
	h.t.Helper()
	h.send(code, params...)
	if f := h.next(); f.Kind != drv.KindACK {
		h.t.Fatalf("command %02X: got %v first; want an ACK", code, f.Kind)
	}
	return h.answer(code)
}

// answer reads the answer to command code.
func (h *host) answer(code byte) []byte {
	h.t.Helper()
	f := h.next()
	if f.Kind != drv.KindInfo || f.TFI != drv.TFIDevice || f.Code() != code+1 {
		h.t.Fatalf("command %02X: answer %+v", code, f)
	}
	return f.Data[1:]
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(patience)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("not there within %v", patience)
		}
		time.Sleep(2 * time.Millisecond) // polling, not asserting
	}
}

package pn532_test

import (
	"bytes"
	"os"
	"testing"

	drv "karta/readers/pn532"
	"karta/readers/readertest"
	simpn532 "karta/sim/pn532"
)

// TestStartUp: asleep until woken; then the start-up commands answer as a
// PN532 v1.6 does, and an unknown command gets an error frame.
func TestStartUp(t *testing.T) {
	e, h := start(t, simpn532.Options{})
	h.send(drv.CmdGetFirmwareVersion) // asleep: lost
	h.wake()
	if got := h.call(drv.CmdSAMConfiguration, 0x01, 0x14, 0x01); len(got) != 0 {
		t.Errorf("SAMConfiguration answer % X", got)
	}
	if got := h.call(drv.CmdGetFirmwareVersion); !bytes.Equal(got, []byte{0x32, 0x01, 0x06, 0x07}) {
		t.Errorf("GetFirmwareVersion answer % X", got)
	}
	h.call(drv.CmdRFConfiguration, 0x05, 0xFF, 0x01, 0x02)
	h.send(0x58) // RFRegulationTest: not emulated
	if f := h.next(); f.Kind != drv.KindACK {
		t.Fatalf("got %v; want an ACK", f.Kind)
	}
	if f := h.next(); f.Kind != drv.KindError {
		t.Fatalf("got %+v; want an error frame", f)
	}
	if st := e.Stats(); st.Wakeups != 1 || st.Commands[drv.CmdGetFirmwareVersion] != 1 {
		t.Errorf("stats %+v; want one wake-up and one GetFirmwareVersion", st)
	}
}

// TestCardSession: a card is listed, exchanges APDUs (long answers in
// MI pieces), answers the presence check, and its removal shows.
func TestCardSession(t *testing.T) {
	e, h := start(t, simpn532.Options{MaxDataIn: 8})
	h.wake()
	if got := h.call(drv.CmdInListPassiveTarget, 0x01, 0x00); !bytes.Equal(got, []byte{0x00}) {
		t.Fatalf("InListPassiveTarget on an empty field: % X", got)
	}
	if got := h.call(drv.CmdInDataExchange, 0x01, 0x00, 0xB2); !bytes.Equal(got, []byte{0x27}) {
		t.Fatalf("InDataExchange with no target: % X; want status 27", got)
	}
	e.Insert(readertest.NewCard(func(cmd []byte) ([]byte, error) {
		return append(bytes.Repeat([]byte{0xAB}, 12), 0x90, 0x00), nil
	}))
	want := simpn532.DefaultTarget.Append([]byte{0x01})
	if got := h.call(drv.CmdInListPassiveTarget, 0x01, 0x00); !bytes.Equal(got, want) {
		t.Fatalf("InListPassiveTarget = % X; want % X", got, want)
	}
	first := h.call(drv.CmdInDataExchange, 0x01, 0x00, 0xB2, 0x01, 0x0C, 0x00)
	rest := h.call(drv.CmdInDataExchange, 0x01)
	if first[0] != 0x40 || rest[0] != 0x00 || len(first) != 9 || len(rest) != 7 {
		t.Fatalf("pieces % X and % X; want 8 bytes with MI, then 6 without", first, rest)
	}
	if got := h.call(drv.CmdDiagnose, 0x06); !bytes.Equal(got, []byte{0x00}) {
		t.Errorf("presence check with the card there: % X", got)
	}
	e.Remove()
	if got := h.call(drv.CmdDiagnose, 0x06); !bytes.Equal(got, []byte{0x01}) {
		t.Errorf("presence check after removal: % X; want 01", got)
	}
	if got := h.call(drv.CmdInDataExchange, 0x01, 0x00, 0xB2); !bytes.Equal(got, []byte{0x01}) {
		t.Errorf("InDataExchange after removal: % X; want status 01", got)
	}
	if got := h.call(drv.CmdInRelease, 0x01); !bytes.Equal(got, []byte{0x00}) {
		t.Errorf("InRelease: % X", got)
	}
	if e.Stats().Chained != 1 {
		t.Errorf("Chained = %d; want 1", e.Stats().Chained)
	}
}

// TestNACK: a NACK gets the last frame again: the answer, or the ACK of a
// command still being worked on.
func TestNACK(t *testing.T) {
	e, h := start(t, simpn532.Options{})
	h.wake()
	h.call(drv.CmdGetFirmwareVersion)
	h.sendKind(drv.KindNACK)
	h.answer(drv.CmdGetFirmwareVersion)
	e.SetFaults(simpn532.Faults{Slow: patience * 10})
	h.send(drv.CmdGetFirmwareVersion)
	h.next() // its ACK
	h.sendKind(drv.KindNACK)
	if f := h.next(); f.Kind != drv.KindACK {
		t.Fatalf("NACK during a slow command: %+v; want the ACK again", f)
	}
	if e.Stats().NACKs != 2 {
		t.Errorf("NACKs = %d; want 2", e.Stats().NACKs)
	}
}

// TestAbortAndHang: an ACK from the host cancels a pending answer; a hung
// PN532 takes commands in and answers none.
func TestAbortAndHang(t *testing.T) {
	e, h := start(t, simpn532.Options{Faults: simpn532.Faults{Slow: patience * 10}})
	h.wake()
	h.send(drv.CmdGetFirmwareVersion)
	h.next() // its ACK
	h.sendKind(drv.KindACK)
	waitFor(t, func() bool { return e.Stats().Aborts == 1 })
	e.SetFaults(simpn532.Faults{})
	e.Hang(true)
	h.send(drv.CmdSAMConfiguration, 0x01) // lost
	waitFor(t, func() bool { return e.Stats().Ignored >= 10 })
	e.Hang(false)
	h.call(drv.CmdRFConfiguration, 0x05, 0xFF, 0x01, 0x02) // the next frames are its own
	if n := e.Stats().Commands[drv.CmdSAMConfiguration]; n != 0 {
		t.Errorf("a hung PN532 answered SAMConfiguration %d times", n)
	}
}

// TestDisconnect: the pty goes, its path with it; Reconnect brings a PN532
// asleep on a new pty behind the same link.
func TestDisconnect(t *testing.T) {
	e, h := start(t, simpn532.Options{})
	old := e.Path()
	if err := e.Disconnect(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(old); !os.IsNotExist(err) || e.Path() != "" {
		t.Fatalf("after Disconnect: stat %s: %v, Path %q", old, err, e.Path())
	}
	if _, err := h.f.Read(make([]byte, 1)); err == nil {
		t.Fatal("the host's end still reads")
	}
	if err := e.Reconnect(); err != nil {
		t.Fatal(err)
	}
	h = dial(t, e.Link())
	h.wake()
	h.call(drv.CmdGetFirmwareVersion)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(e.Link()); !os.IsNotExist(err) {
		t.Errorf("Link left after Close: %v", err)
	}
}

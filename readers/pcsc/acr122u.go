package pcsc

import (
	"bytes"
	"context"
	"fmt"
	"time"
)

// GetUID is PC/SC part 3's GET DATA for the card's UID, answered by the
// reader (ACR122U, most CCID contactless readers) rather than the card.
var GetUID = []byte{0xFF, 0xCA, 0x00, 0x00, 0x00}

// UID returns the UID (or PUPI) the card gave in anticollision. Bank cards
// usually draw a random one at each presentation, so it identifies a
// presentation, not a card. A reader that does not know the command, or
// passes it to the card, gives an error with the status word.
func (c *Card) UID(ctx context.Context) ([]byte, error) {
	resp, err := c.Transmit(ctx, GetUID)
	if err != nil {
		return nil, err
	}
	if n := len(resp); n < 2 || !bytes.Equal(resp[n-2:], []byte{0x90, 0x00}) {
		return nil, fmt.Errorf("pcsc: GET DATA UID in %s: status %X", c.reader, resp[max(0, n-2):])
	}
	return resp[:len(resp)-2], nil
}

// Buzzer says when the ACR122U's buzzer sounds during a Signal.
type Buzzer byte

// Buzzer settings, the "link to buzzer" byte.
const (
	BuzzerOff  Buzzer = 0x00
	BuzzerT1   Buzzer = 0x01 // during each T1
	BuzzerT2   Buzzer = 0x02 // during each T2
	BuzzerBoth Buzzer = 0x03
)

// LED is what a Signal does to one of the ACR122U's two LEDs.
type LED struct {
	Set   bool // give the LED its final state On (else it stays as it is)
	On    bool // the final state
	Blink bool // blink it Repeat times first
	T1On  bool // its state during T1 while blinking; T2 has the other
}

// Signal is the ACR122U's bi-colour LED and buzzer control (FF 00 40): the
// LEDs blink Repeat times, T1 in their first state and T2 in the other, the
// buzzer sounding as Buzzer says, then take their final states. T1 and T2
// count in 100 ms steps up to 25.5 s.
type Signal struct {
	Red, Green LED
	T1, T2     time.Duration
	Repeat     byte
	Buzzer     Buzzer
}

// Beep is a Signal that only sounds the buzzer once for d.
func Beep(d time.Duration) Signal {
	return Signal{T1: d, T2: 100 * time.Millisecond, Repeat: 1, Buzzer: BuzzerT1}
}

// APDU encodes s: FF 00 40 P2 04 T1 T2 Repeat Buzzer, P2 holding for red
// (bits 0, 2, 4, 6) and green (bits 1, 3, 5, 7) the final state, the state
// mask, the initial blink state and the blink mask.
func (s Signal) APDU() []byte {
	p2 := s.Red.bits() | s.Green.bits()<<1
	return []byte{0xFF, 0x00, 0x40, p2, 0x04, tenths(s.T1), tenths(s.T2), s.Repeat, byte(s.Buzzer)}
}

func (l LED) bits() byte {
	var b byte
	for i, on := range []bool{l.On && l.Set, false, l.Set, false, l.T1On, false, l.Blink} {
		if on {
			b |= 1 << i
		}
	}
	return b
}

func tenths(d time.Duration) byte { return byte(min(255, max(0, d/(100*time.Millisecond)))) }

// Signal sends s to an ACR122U through the connected card and returns the
// LED state the reader reports (bit 0 red, bit 1 green). It needs a card in
// the field: without one the ACR122U takes the command only through
// SCardControl on a direct connection, which this package does not open.
func (c *Card) Signal(ctx context.Context, s Signal) (byte, error) {
	resp, err := c.Transmit(ctx, s.APDU())
	if err != nil {
		return 0, err
	}
	if len(resp) != 2 || resp[0] != 0x90 {
		return 0, fmt.Errorf("pcsc: ACR122U LED and buzzer control in %s: answer %X", c.reader, resp)
	}
	return resp[1], nil
}

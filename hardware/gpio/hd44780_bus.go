package gpio

import (
	"time"

	"periph.io/x/conn/v3/gpio"
)

// Instructions of the HD44780 (datasheet table 6).
const (
	cmdClear       = 0x01
	cmdEntryMode   = 0x04 | 0x02 // cursor moves right, display does not shift
	cmdDisplayOn   = 0x08 | 0x04 // display on, cursor and blink off
	cmdFunctionSet = 0x20        // 4-bit bus, 5×8 dots
	cmdTwoLines    = 0x08        // function set: N=1
	cmdSetDDRAM    = 0x80
)

// Waits, from the datasheet at a 250 kHz oscillator, the slowest it allows
// (37 µs and 1.52 ms are the 270 kHz figures).
const (
	tPowerOn = 50 * time.Millisecond   // after VCC rises to 2.7 V: > 40 ms
	tReset1  = 4100 * time.Microsecond // after the first 0x3: > 4.1 ms
	tReset2  = 100 * time.Microsecond  // after the second 0x3: > 100 µs
	tExec    = 40 * time.Microsecond   // most instructions and data writes
	tClear   = 1640 * time.Microsecond // clear display
	tEnable  = time.Microsecond        // E high: > 450 ns, cycle > 1000 ns
)

// bus writes to the controller over RS, E and D4–D7. The first failed pin
// write is kept in err and makes later writes no-ops; callers reset err.
type bus struct {
	rs, e line
	data  [4]line // D4..D7
	clock Clock
	err   error
}

// newBus checks that every pin was given.
func newBus(p HD44780Pins, clock Clock) (bus, error) {
	b := bus{clock: clock}
	pins := []struct {
		dst  *line
		name string
		pin  gpio.PinOut
	}{
		{&b.rs, "RS", p.RS}, {&b.e, "E", p.E},
		{&b.data[0], "D4", p.D4}, {&b.data[1], "D5", p.D5},
		{&b.data[2], "D6", p.D6}, {&b.data[3], "D7", p.D7},
	}
	for _, p := range pins {
		l, err := newLine("hd44780 "+p.name, p.pin, false)
		if err != nil {
			return b, err
		}
		*p.dst = l
	}
	return b, nil
}

// initialise is the datasheet's "initializing by instruction" for a 4-bit
// interface (figure 24), then function set, display on, clear, entry mode.
func (b *bus) initialise(twoLines bool) error {
	b.set(b.e, false)
	b.clock.Sleep(tPowerOn)
	for _, wait := range []time.Duration{tReset1, tReset2, tExec} {
		b.nibble(false, 0x3) // 8-bit function set, whatever mode it was in
		b.clock.Sleep(wait)
	}
	b.nibble(false, 0x2) // 4-bit from here on
	b.clock.Sleep(tExec)
	fs := byte(cmdFunctionSet)
	if twoLines {
		fs |= cmdTwoLines
	}
	for _, c := range []byte{fs, cmdDisplayOn, cmdClear, cmdEntryMode} {
		b.command(c)
	}
	return b.err
}

// command writes an instruction and waits for it to execute.
func (b *bus) command(c byte) {
	b.write(false, c)
	if c == cmdClear {
		b.clock.Sleep(tClear)
		return
	}
	b.clock.Sleep(tExec)
}

// text writes character codes into DDRAM from the current address.
func (b *bus) text(codes []byte) {
	for _, c := range codes {
		b.write(true, c)
		b.clock.Sleep(tExec)
	}
}

// write sends one byte, high nibble first.
func (b *bus) write(rs bool, v byte) {
	b.nibble(rs, v>>4)
	b.nibble(rs, v&0x0f)
}

// nibble puts RS and D4–D7 on the bus and strobes E; the controller reads
// on E's falling edge.
func (b *bus) nibble(rs bool, n byte) {
	b.set(b.rs, rs)
	for i, d := range b.data {
		b.set(d, n>>i&1 == 1)
	}
	b.set(b.e, true)
	b.clock.Sleep(tEnable)
	b.set(b.e, false)
}

// set drives l unless an earlier write failed.
func (b *bus) set(l line, on bool) {
	if b.err == nil {
		b.err = l.set(on)
	}
}

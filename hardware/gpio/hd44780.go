package gpio

import (
	"context"
	"fmt"
	"sync"

	"periph.io/x/conn/v3/gpio"

	"karta/hardware"
)

// HD44780Pins are the lines of an HD44780 display in 4-bit mode. R/W must be
// tied to ground: the driver only writes.
type HD44780Pins struct {
	RS, E          gpio.PinOut
	D4, D5, D6, D7 gpio.PinOut
}

// HD44780Options configure a display. The zero value is a 16×2 display
// showing Russian transliterated, on SystemClock.
type HD44780Options struct {
	// Cols and Rows are the visible size: 8 to 40 columns, 1 to 4 rows (4
	// rows at most 20 columns). Zero means 16 and 2.
	Cols, Rows int
	// Charset says how text becomes character codes.
	Charset Charset
	Clock   Clock
}

// HD44780 is a character LCD on an HD44780-compatible controller.
type HD44780 struct {
	mu      sync.Mutex
	bus     bus
	cols    int
	rows    int
	charset Charset
	closed  bool
}

var (
	_ hardware.Display = (*HD44780)(nil)
	_ hardware.Closer  = (*HD44780)(nil)
)

// NewHD44780 initialises the display by instruction (which also works when
// its power-on reset did not) and leaves it on, cleared, cursor hidden.
func NewHD44780(pins HD44780Pins, opts HD44780Options) (*HD44780, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	b, err := newBus(pins, orSystem(opts.Clock))
	if err != nil {
		return nil, err
	}
	d := &HD44780{bus: b, cols: opts.Cols, rows: opts.Rows, charset: opts.Charset}
	return d, d.bus.initialise(opts.Rows > 1)
}

// withDefaults fills in the size and checks it.
func (o HD44780Options) withDefaults() (HD44780Options, error) {
	if o.Cols == 0 && o.Rows == 0 {
		o.Cols, o.Rows = 16, 2
	}
	if o.Cols < 8 || o.Cols > 40 || o.Rows < 1 || o.Rows > 4 || o.Rows > 2 && o.Cols > 20 {
		return o, fmt.Errorf("gpio: hd44780: unsupported size %d×%d", o.Cols, o.Rows)
	}
	return o, nil
}

// Show writes every row: lines[i] on row i, encoded with the Charset, cut
// or padded with spaces to the width. Rows without a line are blanked;
// lines beyond the last row are dropped.
func (d *HD44780) Show(lines ...string) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return d.bus.e.closedErr()
	}
	d.bus.err = nil
	for row := range d.rows {
		text := ""
		if row < len(lines) {
			text = lines[row]
		}
		d.bus.command(cmdSetDDRAM | d.rowAddr(row))
		d.bus.text(d.fit(text))
	}
	return d.bus.err
}

// Close clears the display; later calls fail with ErrClosed.
func (d *HD44780) Close(context.Context) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	d.bus.err = nil
	d.bus.command(cmdClear)
	return d.bus.err
}

// rowAddr is the DDRAM address of a row's first cell: 0x00 and 0x40, then
// for four-row displays the continuations of those, 0x14 and 0x54 on 20×4.
func (d *HD44780) rowAddr(row int) byte {
	return byte(row%2*0x40 + row/2*d.cols)
}

// fit encodes text and cuts or pads it to the width.
func (d *HD44780) fit(text string) []byte {
	b := d.charset.Encode(text)
	for len(b) < d.cols {
		b = append(b, ' ')
	}
	return b[:d.cols]
}

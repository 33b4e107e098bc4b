package gpio_test

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpiotest"

	kgpio "karta/hardware/gpio"
	"karta/hardware/hardwaretest"
)

// nibble is what the controller latched on a falling edge of E.
type nibble struct {
	at    time.Duration // since t0
	width time.Duration // how long E was high
	rs    bool
	n     byte
}

// lcd is a fake HD44780 bus: its E pin latches RS and D4–D7 on each falling
// edge, the way the controller reads them.
type lcd struct {
	clock *hardwaretest.Clock
	rs    failPin
	d     [4]failPin
	e     strobePin

	mu      sync.Mutex
	nibbles []nibble
}

func newLCD() *lcd {
	l := &lcd{clock: hardwaretest.NewClock(t0)}
	l.rs.N, l.e.N, l.e.bus = "GPIO25", "GPIO24", l
	for i := range l.d {
		l.d[i].N = fmt.Sprintf("GPIO%d", 5+i)
	}
	return l
}

func (l *lcd) pins() kgpio.HD44780Pins {
	return kgpio.HD44780Pins{RS: &l.rs, E: &l.e, D4: &l.d[0], D5: &l.d[1], D6: &l.d[2], D7: &l.d[3]}
}

// latch records the bus as the controller sees it now.
func (l *lcd) latch(width time.Duration) {
	nb := nibble{at: l.clock.Now().Sub(t0), width: width, rs: bool(l.rs.Read())}
	for i := range l.d {
		if l.d[i].Read() {
			nb.n |= 1 << i
		}
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.nibbles = append(l.nibbles, nb)
}

// since returns the nibbles latched from the i-th on.
func (l *lcd) since(i int) []nibble {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]nibble(nil), l.nibbles[i:]...)
}

// count returns how many nibbles were latched.
func (l *lcd) count() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.nibbles)
}

// decode pairs nibbles into bytes: data as is, instructions as {XX}.
func decode(ns []nibble) string {
	var b strings.Builder
	for i := 0; i+1 < len(ns); i += 2 {
		v := ns[i].n<<4 | ns[i+1].n
		if ns[i].rs {
			b.WriteByte(v)
		} else {
			fmt.Fprintf(&b, "{%02X}", v)
		}
	}
	return b.String()
}

// listing prints nibbles one per line, for the golden files.
func listing(ns []nibble) []byte {
	var b strings.Builder
	b.WriteString("# ms since NewHD44780   bus latched on E's falling edge\n")
	for _, n := range ns {
		rs := 0
		if n.rs {
			rs = 1
		}
		fmt.Fprintf(&b, "%9.3f  RS=%d D7-4=%04b  E high %v\n", float64(n.at)/1e6, rs, n.n, n.width)
	}
	return []byte(b.String())
}

// strobePin is the E line: it makes the lcd latch on falling edges.
type strobePin struct {
	gpiotest.Pin
	bus  *lcd
	rose time.Time
}

func (p *strobePin) Out(l gpio.Level) error {
	was := p.Read()
	if err := p.Pin.Out(l); err != nil {
		return err
	}
	now := p.bus.clock.Now()
	switch {
	case l == gpio.High && was == gpio.Low:
		p.rose = now
	case l == gpio.Low && was == gpio.High:
		p.bus.latch(now.Sub(p.rose))
	}
	return nil
}

package gpio_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	kgpio "karta/hardware/gpio"
	"karta/internal/golden"
)

// newTestLCD returns a display on a fake bus and the nibbles its init took.
func newTestLCD(t *testing.T, opts kgpio.HD44780Options) (*kgpio.HD44780, *lcd, int) {
	t.Helper()
	bus := newLCD()
	opts.Clock = bus.clock
	d, err := kgpio.NewHD44780(bus.pins(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return d, bus, bus.count()
}

func TestHD44780InitGolden(t *testing.T) {
	_, bus, _ := newTestLCD(t, kgpio.HD44780Options{})
	golden.Check(t, "testdata/hd44780-init-16x2.golden", listing(bus.since(0)))
}

func TestHD44780FunctionSet(t *testing.T) {
	for _, tt := range []struct {
		rows int
		want string
	}{{1, "{20}{0C}{01}{06}"}, {2, "{28}{0C}{01}{06}"}, {4, "{28}{0C}{01}{06}"}} {
		_, bus, n := newTestLCD(t, kgpio.HD44780Options{Cols: 16, Rows: tt.rows})
		if got := decode(bus.since(4)[:n-4]); got != tt.want {
			t.Errorf("%d rows: init %q, want %q", tt.rows, got, tt.want)
		}
	}
}

func TestHD44780Show(t *testing.T) {
	tests := []struct {
		name       string
		cols, rows int
		charset    kgpio.Charset
		lines      []string
		want       string
	}{
		{"translit", 16, 2, kgpio.Translit, []string{"Проезд оплачен", "Бесплатно"},
			"{80}Proezd oplachen {C0}Besplatno       "},
		{"cut", 16, 2, kgpio.Translit, []string{"Льготный проезд по карте"},
			"{80}Lgotnyy proezd p{C0}                "},
		{"blank", 8, 1, kgpio.Translit, nil, "{80}        "},
		{"cyrillic rom", 8, 2, kgpio.CyrillicROM, []string{"Оплачено", "Стоп"},
			"{80}O\xBE\xBBa\xC0e\xBDo{C0}C\xBFo\xBE    "},
		{"20x4 rows", 20, 4, kgpio.Translit, []string{"a", "b", "c", "d", "dropped"},
			"{80}a                   {C0}b                   {94}c                   {D4}d                   "},
		{"16x4 rows", 16, 4, kgpio.Translit, []string{"1", "2", "3", "4"},
			"{80}1               {C0}2               {90}3               {D0}4               "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, bus, n := newTestLCD(t, kgpio.HD44780Options{Cols: tt.cols, Rows: tt.rows, Charset: tt.charset})
			if err := d.Show(tt.lines...); err != nil {
				t.Fatal(err)
			}
			if got := decode(bus.since(n)); got != tt.want {
				t.Errorf("bus got %q\nwant %q", got, tt.want)
			}
		})
	}
}

// TestHD44780Timing checks the waits of Show: E high at least 450 ns, and
// at least 37 µs between the end of a byte and the start of the next.
func TestHD44780Timing(t *testing.T) {
	d, bus, n := newTestLCD(t, kgpio.HD44780Options{})
	if err := d.Show("Проезд оплачен", "Бесплатно"); err != nil {
		t.Fatal(err)
	}
	ns := bus.since(n)
	for i, nb := range ns {
		if nb.width < 450*time.Nanosecond {
			t.Fatalf("nibble %d: E high %v", i, nb.width)
		}
		if i%2 == 0 && i > 0 && nb.at-nb.width-ns[i-1].at < 37*time.Microsecond {
			t.Fatalf("byte %d: %v after the previous one", i/2, nb.at-nb.width-ns[i-1].at)
		}
	}
}

func TestHD44780Close(t *testing.T) {
	d, bus, n := newTestLCD(t, kgpio.HD44780Options{})
	if err := d.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := decode(bus.since(n)); got != "{01}" {
		t.Errorf("Close sent %q, want a clear {01}", got)
	}
	if err := d.Show("x"); !errors.Is(err, kgpio.ErrClosed) {
		t.Errorf("Show after Close = %v, want ErrClosed", err)
	}
}

func TestHD44780Errors(t *testing.T) {
	d, bus, _ := newTestLCD(t, kgpio.HD44780Options{})
	bus.d[1].fail(errPin)
	wantErr(t, "Show", d.Show("x"), "gpio: hd44780 D5 pin GPIO6: ")
	bus.d[1].fail(nil)
	if err := d.Show("x"); err != nil {
		t.Errorf("Show after the pin recovered = %v", err)
	}

	bus = newLCD()
	bus.rs.fail(errPin)
	_, err := kgpio.NewHD44780(bus.pins(), kgpio.HD44780Options{Clock: bus.clock})
	wantErr(t, "NewHD44780", err, "gpio: hd44780 ")

	for _, o := range []kgpio.HD44780Options{{Cols: 41, Rows: 2}, {Cols: 40, Rows: 4}, {Cols: 16, Rows: 5}, {Cols: 16}} {
		if _, err := kgpio.NewHD44780(newLCD().pins(), o); err == nil {
			t.Errorf("size %d×%d accepted", o.Cols, o.Rows)
		}
	}
}

// TestHD44780Concurrent checks, under -race, that Shows do not interleave.
func TestHD44780Concurrent(t *testing.T) {
	d, bus, n := newTestLCD(t, kgpio.HD44780Options{Cols: 8, Rows: 1})
	var wg sync.WaitGroup
	for _, s := range []string{"AAAAAAAA", "BBBBBBBB"} {
		wg.Go(func() {
			for range 20 {
				_ = d.Show(s)
			}
		})
	}
	wg.Wait()
	got := decode(bus.since(n))
	for i := 0; i < len(got); i += 12 {
		if s := got[i : i+12]; s != "{80}AAAAAAAA" && s != "{80}BBBBBBBB" {
			t.Fatalf("interleaved Show: %q", s)
		}
	}
}

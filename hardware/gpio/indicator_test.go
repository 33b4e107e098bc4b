package gpio_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"periph.io/x/conn/v3/gpio/gpiotest"

	"karta/hardware"
	kgpio "karta/hardware/gpio"
)

const H, L = true, false

func TestIndicatorLevels(t *testing.T) {
	tests := []struct {
		name      string
		amber     bool // a third LED
		activeLow bool
		color     hardware.Color
		want      []bool // green, red[, amber] lit
	}{
		{"off", false, false, hardware.Off, []bool{L, L}},
		{"green", false, false, hardware.Green, []bool{H, L}},
		{"red", false, false, hardware.Red, []bool{L, H}},
		{"amber is green+red", false, false, hardware.Amber, []bool{H, H}},
		{"amber LED", true, false, hardware.Amber, []bool{L, L, H}},
		{"green, 3 LEDs", true, false, hardware.Green, []bool{H, L, L}},
		{"active low green", false, true, hardware.Green, []bool{H, L}},
		{"active low off", true, true, hardware.Off, []bool{L, L, L}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pins := []*gpiotest.Pin{{N: "GPIO22"}, {N: "GPIO23"}, {N: "GPIO24"}}
			opts := kgpio.IndicatorPins{Green: pins[0], Red: pins[1], ActiveLow: tt.activeLow}
			if tt.amber {
				opts.Amber = pins[2]
			}
			in, err := kgpio.NewIndicator(opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := in.Set(tt.color); err != nil {
				t.Fatal(err)
			}
			var got []bool
			for _, p := range pins[:len(tt.want)] {
				got = append(got, bool(level(p)) != tt.activeLow)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("lit = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestIndicatorOffFirst checks that a change of colour never lights two
// colours in passing.
func TestIndicatorOffFirst(t *testing.T) {
	tr := newTrace(false)
	in, err := kgpio.NewIndicator(kgpio.IndicatorPins{Green: tr.pin("G"), Red: tr.pin("R")})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Set(hardware.Green); err != nil {
		t.Fatal(err)
	}
	if err := in.Set(hardware.Red); err != nil {
		t.Fatal(err)
	}
	got := tr.strings()[2:]
	want := []string{"0s R=Low", "0s G=High", "0s G=Low", "0s R=High"}
	if !slices.Equal(got, want) {
		t.Errorf("writes = %q, want %q", got, want)
	}
}

func TestIndicatorClose(t *testing.T) {
	g, r := &gpiotest.Pin{N: "G"}, &gpiotest.Pin{N: "R"}
	in, err := kgpio.NewIndicator(kgpio.IndicatorPins{Green: g, Red: r, ActiveLow: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Set(hardware.Amber); err != nil {
		t.Fatal(err)
	}
	if err := in.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if level(g) != true || level(r) != true {
		t.Errorf("after Close: green %v red %v, want both High (off, active low)", level(g), level(r))
	}
	if err := in.Set(hardware.Green); !errors.Is(err, kgpio.ErrClosed) {
		t.Errorf("Set after Close = %v, want ErrClosed", err)
	}
}

func TestIndicatorErrors(t *testing.T) {
	red := &failPin{Pin: gpiotest.Pin{N: "GPIO23"}}
	in, err := kgpio.NewIndicator(kgpio.IndicatorPins{Green: &gpiotest.Pin{N: "GPIO22"}, Red: red})
	if err != nil {
		t.Fatal(err)
	}
	red.fail(errPin)
	wantErr(t, "Set", in.Set(hardware.Red), "gpio: indicator red pin GPIO23: ")
	if err := in.Set(hardware.Color(7)); err == nil {
		t.Error("Set(7) succeeded")
	}
	if _, err := kgpio.NewIndicator(kgpio.IndicatorPins{Green: red}); err == nil {
		t.Error("NewIndicator without a red pin succeeded")
	}
}

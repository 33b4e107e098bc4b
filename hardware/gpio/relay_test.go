package gpio_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio/gpiotest"

	kgpio "karta/hardware/gpio"
)

// op is one step of a relay script: Pulse(pulse), then Advance(wait).
type op struct {
	pulse, wait time.Duration
}

func TestRelayPulses(t *testing.T) {
	tests := []struct {
		name string
		opts kgpio.RelayOptions
		ops  []op
		want []string // after NewRelay's write
	}{
		{"pulse", kgpio.RelayOptions{}, []op{{3 * time.Second, 5 * time.Second}},
			[]string{"0s RL=High", "3s RL=Low"}},
		{"active low", kgpio.RelayOptions{ActiveLow: true}, []op{{3 * time.Second, 5 * time.Second}},
			[]string{"0s RL=Low", "3s RL=High"}},
		{"extended", kgpio.RelayOptions{}, []op{{3 * time.Second, 2 * time.Second}, {3 * time.Second, 5 * time.Second}},
			[]string{"0s RL=High", "2s RL=High", "5s RL=Low"}},
		{"never shortened", kgpio.RelayOptions{}, []op{{5 * time.Second, time.Second}, {time.Second, 5 * time.Second}},
			[]string{"0s RL=High", "5s RL=Low"}},
		{"cut to MaxPulse", kgpio.RelayOptions{MaxPulse: 2 * time.Second}, []op{{time.Hour, time.Hour}},
			[]string{"0s RL=High", "2s RL=Low"}},
		{"cut to the default", kgpio.RelayOptions{}, []op{{time.Hour, time.Hour}},
			[]string{"0s RL=High", "10s RL=Low"}},
		{"again after release", kgpio.RelayOptions{}, []op{{time.Second, 2 * time.Second}, {time.Second, 2 * time.Second}},
			[]string{"0s RL=High", "1s RL=Low", "2s RL=High", "3s RL=Low"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTrace(false)
			tt.opts.Clock = tr.clock
			r, err := kgpio.NewRelay(tr.pin("RL"), tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, o := range tt.ops {
				if err := r.Pulse(o.pulse); err != nil {
					t.Fatal(err)
				}
				tr.clock.Advance(o.wait)
			}
			if got := tr.strings()[1:]; !slices.Equal(got, tt.want) {
				t.Errorf("writes %q, want %q", got, tt.want)
			}
			if n := tr.clock.Pending(); n != 0 {
				t.Errorf("%d timers pending after the pulse", n)
			}
		})
	}
}

func TestRelayCloseReleases(t *testing.T) {
	tr := newTrace(false)
	pin := tr.pin("RL")
	r, err := kgpio.NewRelay(pin, kgpio.RelayOptions{Clock: tr.clock})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Pulse(3 * time.Second); err != nil {
		t.Fatal(err)
	}
	tr.clock.Advance(time.Second)
	if err := r.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	if level(pin) != false || tr.clock.Pending() != 0 {
		t.Errorf("after Close: pin %v, %d timers; want Low, none", level(pin), tr.clock.Pending())
	}
	if err := r.Pulse(time.Second); !errors.Is(err, kgpio.ErrClosed) {
		t.Errorf("Pulse after Close = %v, want ErrClosed", err)
	}
}

func TestRelayPinErrors(t *testing.T) {
	clock := newTrace(false).clock
	pin := &failPin{Pin: gpiotest.Pin{N: "GPIO17"}}
	r, err := kgpio.NewRelay(pin, kgpio.RelayOptions{Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	pin.fail(errPin)
	wantErr(t, "Pulse", r.Pulse(time.Second), "gpio: relay pin GPIO17: ")

	pin.fail(nil)
	if err := r.Pulse(time.Second); err != nil {
		t.Fatal(err)
	}
	pin.fail(errPin)
	clock.Advance(time.Second) // the release fails in the timer
	pin.fail(nil)
	wantErr(t, "Pulse after a failed release", r.Pulse(time.Second), "gpio: relay pin GPIO17: ")
	if err := r.Pulse(0); err == nil {
		t.Error("Pulse(0) succeeded")
	}
}

// wantErr checks that err wraps errPin and starts with prefix.
func wantErr(t *testing.T, what string, err error, prefix string) {
	t.Helper()
	if !errors.Is(err, errPin) || !strings.HasPrefix(err.Error(), prefix) {
		t.Errorf("%s = %v, want %q… wrapping errPin", what, err, prefix)
	}
}

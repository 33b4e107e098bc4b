package gpio_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"periph.io/x/conn/v3/gpio/gpiotest"

	"karta/hardware"
	kgpio "karta/hardware/gpio"
)

// newTestBuzzer returns a buzzer on pin BZ whose writes tr records.
func newTestBuzzer(t *testing.T, activeLow bool) (*kgpio.Buzzer, *trace) {
	t.Helper()
	tr := newTrace(true)
	b, err := kgpio.NewBuzzer(tr.pin("BZ"), kgpio.BuzzerOptions{ActiveLow: activeLow, Clock: tr.clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close(context.Background()) })
	return b, tr
}

// closeBuzzer closes b and returns the writes Close made.
func closeBuzzer(t *testing.T, b *kgpio.Buzzer, tr *trace) []string {
	t.Helper()
	if err := b.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
	var tail []string
	for len(tr.ch) > 0 {
		tail = append(tail, (<-tr.ch).String())
	}
	return tail
}

func TestBuzzerPatterns(t *testing.T) {
	tests := []struct {
		tone      hardware.Tone
		activeLow bool
		want      []string // after NewBuzzer's write; waveform ends with the pin off
	}{
		{hardware.ToneOK, false, []string{"0s BZ=High", "80ms BZ=Low"}},
		{hardware.ToneDeny, false, []string{"0s BZ=High", "80ms BZ=Low", "160ms BZ=High", "240ms BZ=Low"}},
		{hardware.ToneAlarm, false, []string{"0s BZ=High", "600ms BZ=Low"}},
		{hardware.ToneDeny, true, []string{"0s BZ=Low", "80ms BZ=High", "160ms BZ=Low", "240ms BZ=High"}},
	}
	for _, tt := range tests {
		t.Run(tt.tone.String(), func(t *testing.T) {
			b, tr := newTestBuzzer(t, tt.activeLow)
			tr.next(t) // NewBuzzer leaves the pin off
			if err := b.Beep(tt.tone); err != nil {
				t.Fatal(err)
			}
			got := playOut(t, tr, tt.want)
			if !slices.Equal(got, tt.want) {
				t.Errorf("waveform %q, want %q", got, tt.want)
			}
			if n := tr.clock.Pending(); n != 0 {
				t.Errorf("%d timers pending after the pattern", n)
			}
		})
	}
}

// playOut collects len(want) writes, moving the fake clock on to the time
// of the next expected one after each; a late write shows as a wrong time.
func playOut(t *testing.T, tr *trace, want []string) []string {
	t.Helper()
	var got []string
	for i := range want {
		w := tr.next(t)
		got = append(got, w.String())
		if i+1 < len(want) {
			next, err := time.ParseDuration(strings.Fields(want[i+1])[0])
			if err != nil {
				t.Fatal(err)
			}
			tr.clock.Advance(next - w.at)
		}
	}
	return got
}

func TestBuzzerBeepCutsShort(t *testing.T) {
	b, tr := newTestBuzzer(t, false)
	tr.next(t)
	if err := b.Beep(hardware.ToneAlarm); err != nil {
		t.Fatal(err)
	}
	tr.next(t) // high at 0
	tr.clock.Advance(100 * time.Millisecond)
	if err := b.Beep(hardware.ToneOK); err != nil {
		t.Fatal(err)
	}
	got := playOut(t, tr, []string{"100ms BZ=High", "180ms BZ=Low"})
	tr.clock.Advance(time.Second) // the alarm's 600 ms end must not come
	got = append(got, closeBuzzer(t, b, tr)...)
	want := []string{"100ms BZ=High", "180ms BZ=Low", "1.18s BZ=Low"}
	if !slices.Equal(got, want) {
		t.Errorf("waveform %q, want %q", got, want)
	}
}

func TestBuzzerCloseSilences(t *testing.T) {
	b, tr := newTestBuzzer(t, true)
	tr.next(t)
	if err := b.Beep(hardware.ToneAlarm); err != nil {
		t.Fatal(err)
	}
	tr.next(t)
	tr.clock.Advance(200 * time.Millisecond)
	got := closeBuzzer(t, b, tr)
	if want := []string{"200ms BZ=High"}; !slices.Equal(got, want) {
		t.Errorf("Close wrote %q, want %q (off, active low)", got, want)
	}
	if n := tr.clock.Pending(); n != 0 {
		t.Errorf("%d timers pending after Close", n)
	}
	if err := b.Beep(hardware.ToneOK); !errors.Is(err, kgpio.ErrClosed) {
		t.Errorf("Beep after Close = %v, want ErrClosed", err)
	}
}

func TestBuzzerPinError(t *testing.T) {
	pin := &failPin{Pin: gpiotest.Pin{N: "GPIO18"}}
	b, err := kgpio.NewBuzzer(pin, kgpio.BuzzerOptions{Clock: newTrace(false).clock})
	if err != nil {
		t.Fatal(err)
	}
	pin.fail(errPin)
	if err := b.Beep(hardware.ToneOK); err != nil {
		t.Fatalf("Beep = %v, want nil: the write fails in the background", err)
	}
	wantErr(t, "Close after a failed beep", b.Close(context.Background()), "gpio: buzzer pin GPIO18: ")
	if err := b.Beep(hardware.Tone(5)); err == nil {
		t.Error("Beep(5) succeeded")
	}
}

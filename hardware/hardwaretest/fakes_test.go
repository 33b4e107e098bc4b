package hardwaretest_test

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	"karta/hardware"
	"karta/hardware/hardwaretest"
)

var errBroken = errors.New("broken")

// signal is what an agent does after a tap, against the interfaces.
func signal(in hardware.Indicator, bz hardware.Buzzer, r hardware.Relay, d hardware.Display) error {
	return errors.Join(
		in.Set(hardware.Green), bz.Beep(hardware.ToneOK),
		r.Pulse(3*time.Second), d.Show("Льготный проезд", "Бесплатно"),
	)
}

func TestBoardRecords(t *testing.T) {
	var b hardwaretest.Board
	if _, ok := b.Buzzer.Last(); ok {
		t.Error("Buzzer.Last before any Beep reported a tone")
	}
	if err := signal(&b.Indicator, &b.Buzzer, &b.Relay, &b.Display); err != nil {
		t.Fatal(err)
	}
	tone, _ := b.Buzzer.Last()
	if b.Indicator.Last() != hardware.Green || tone != hardware.ToneOK || b.Relay.Last() != 3*time.Second {
		t.Errorf("recorded %v %v %v", b.Indicator.Last(), tone, b.Relay.Last())
	}
	if got := b.Display.Last(); !slices.Equal(got, []string{"Льготный проезд", "Бесплатно"}) {
		t.Errorf("Display.Last = %q", got)
	}
	if err := b.Close(context.Background()); err != nil || !b.Relay.Closed || !b.Display.Closed {
		t.Errorf("Close = %v, relay closed %v, display closed %v", err, b.Relay.Closed, b.Display.Closed)
	}
}

func TestBoardFail(t *testing.T) {
	var b hardwaretest.Board
	b.Fail(errBroken)
	err := signal(&b.Indicator, &b.Buzzer, &b.Relay, &b.Display)
	if !errors.Is(err, errBroken) {
		t.Fatalf("signal = %v, want errBroken", err)
	}
	if len(b.Indicator.Colors)+len(b.Buzzer.Tones)+len(b.Relay.Pulses)+len(b.Display.Screens) != 0 {
		t.Error("failed calls were recorded")
	}
	if err := b.Close(context.Background()); !errors.Is(err, errBroken) {
		t.Errorf("Close = %v, want errBroken", err)
	}
	b.Fail(nil)
	if err := signal(&b.Indicator, &b.Buzzer, &b.Relay, &b.Display); err != nil {
		t.Errorf("after Fail(nil): %v", err)
	}
}

// TestFakesConcurrent checks, under -race, that the fakes lock.
func TestFakesConcurrent(t *testing.T) {
	var b hardwaretest.Board
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 25 {
				_ = signal(&b.Indicator, &b.Buzzer, &b.Relay, &b.Display)
				b.Display.Last()
			}
		})
	}
	wg.Wait()
	b.Relay.Lock()
	defer b.Relay.Unlock()
	if len(b.Relay.Pulses) != 100 {
		t.Errorf("%d pulses, want 100", len(b.Relay.Pulses))
	}
}

package console_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"karta/hardware"
	"karta/hardware/console"
	"karta/internal/golden"
)

func TestConsoleGolden(t *testing.T) {
	var buf bytes.Buffer
	c := console.New(&buf, "bus-0042")
	steps := []func() error{
		func() error { return c.Set(hardware.Green) },
		func() error { return c.Beep(hardware.ToneOK) },
		func() error { return c.Pulse(3 * time.Second) },
		func() error { return c.Show("Льготный проезд", "Бесплатно") },
		func() error { return c.Set(hardware.Red) },
		func() error { return c.Beep(hardware.ToneDeny) },
		func() error { return c.Show("Карта в стоп-листе") },
		func() error { return c.Set(hardware.Amber) },
		func() error { return c.Beep(hardware.ToneAlarm) },
		func() error { return c.Pulse(1500 * time.Millisecond) },
		func() error { return c.Show() },
		func() error { return c.Set(hardware.Off) },
		func() error { return c.Close(context.Background()) },
	}
	for i, step := range steps {
		if err := step(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	golden.Check(t, "testdata/console.golden", buf.Bytes())
}

func TestConsoleRejectsUnknown(t *testing.T) {
	c := console.New(&bytes.Buffer{}, "x")
	if err := c.Set(hardware.Color(9)); err == nil || !strings.HasPrefix(err.Error(), "console: ") {
		t.Errorf("Set(9) = %v, want a console: error", err)
	}
	if err := c.Beep(hardware.Tone(-1)); err == nil {
		t.Error("Beep(-1) succeeded")
	}
}

type failWriter struct{}

var errDiskFull = errors.New("disk full")

func (failWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestConsoleWriteError(t *testing.T) {
	err := console.New(failWriter{}, "x").Pulse(time.Second)
	if !errors.Is(err, errDiskFull) || !strings.HasPrefix(err.Error(), "console: write: ") {
		t.Errorf("Pulse = %v, want console: write: wrapping errDiskFull", err)
	}
}

// TestConsoleConcurrent checks, under -race, that lines never interleave.
func TestConsoleConcurrent(t *testing.T) {
	var buf bytes.Buffer
	c := console.New(&buf, "till-7")
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				_ = c.Show("Обед", "Бесплатно")
			}
		})
	}
	wg.Wait()
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	for _, l := range lines {
		if l != "[device till-7] │ Обед │ Бесплатно" {
			t.Fatalf("garbled line %q", l)
		}
	}
	if len(lines) != 400 {
		t.Errorf("%d lines, want 400", len(lines))
	}
}

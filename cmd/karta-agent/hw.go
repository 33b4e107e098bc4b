package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"periph.io/x/conn/v3/gpio"
	"periph.io/x/conn/v3/gpio/gpioreg"
	"periph.io/x/host/v3"

	"karta/agent"
	"karta/hardware"
	"karta/hardware/console"
	kgpio "karta/hardware/gpio"
)

// outputs are the wired hardware and how to leave it safe.
type outputs struct {
	agent.Output
	closers []hardware.Closer
}

func (o outputs) close(ctx context.Context) {
	for _, c := range o.closers {
		c.Close(ctx)
	}
}

func openHardware(cfg *agent.Config, stdout io.Writer) (outputs, error) {
	h := cfg.Hardware
	switch h.Driver {
	case "none":
		return outputs{}, nil
	case "console":
		c := console.New(stdout, cfg.DeviceID)
		return outputs{Output: agent.Output{Indicator: c, Buzzer: c, Relay: gateOf(cfg, c), Display: c, GatePulse: h.GatePulse.Duration},
			closers: []hardware.Closer{c}}, nil
	}
	return openGPIO(cfg)
}

// gateOf gives a relay only to roles with a gate.
func gateOf(cfg *agent.Config, r hardware.Relay) hardware.Relay {
	if cfg.Rules.Role != agent.RoleTurnstile {
		return nil
	}
	return r
}

// openGPIO looks the configured pins up by name on this board.
func openGPIO(cfg *agent.Config) (outputs, error) {
	if _, err := host.Init(); err != nil {
		return outputs{}, fmt.Errorf("gpio: init: %w", err)
	}
	p := pinFinder{names: cfg.Hardware.Pins}
	var o outputs
	ind, err := kgpio.NewIndicator(kgpio.IndicatorPins{Green: p.need("green"), Red: p.need("red"), Amber: p.maybe("amber"), ActiveLow: cfg.Hardware.ActiveLow})
	if p.err != nil || err != nil {
		return outputs{}, errors.Join(p.err, err)
	}
	o.Indicator, o.closers = ind, append(o.closers, ind)
	if pin := p.maybe("buzzer"); pin != nil {
		bz, err := kgpio.NewBuzzer(pin, kgpio.BuzzerOptions{ActiveLow: cfg.Hardware.ActiveLow})
		if err != nil {
			return outputs{}, err
		}
		o.Buzzer, o.closers = bz, append(o.closers, bz)
	}
	if err := o.addRelay(cfg, &p); err != nil {
		return outputs{}, err
	}
	return o, o.addDisplay(cfg, &p)
}

func (o *outputs) addRelay(cfg *agent.Config, p *pinFinder) error {
	pin := p.maybe("relay")
	if pin == nil {
		return nil
	}
	r, err := kgpio.NewRelay(pin, kgpio.RelayOptions{ActiveLow: cfg.Hardware.ActiveLow})
	if err != nil {
		return err
	}
	o.Relay, o.GatePulse, o.closers = gateOf(cfg, r), cfg.Hardware.GatePulse.Duration, append(o.closers, r)
	return nil
}

func (o *outputs) addDisplay(cfg *agent.Config, p *pinFinder) error {
	if p.maybe("lcd_rs") == nil {
		return nil
	}
	pins := kgpio.HD44780Pins{RS: p.need("lcd_rs"), E: p.need("lcd_e"), D4: p.need("lcd_d4"), D5: p.need("lcd_d5"), D6: p.need("lcd_d6"), D7: p.need("lcd_d7")}
	if p.err != nil {
		return p.err
	}
	d := cfg.Hardware.Display
	cs := kgpio.Translit
	if d.Charset == "cyrillic-rom" {
		cs = kgpio.CyrillicROM
	}
	lcd, err := kgpio.NewHD44780(pins, kgpio.HD44780Options{Cols: d.Cols, Rows: d.Rows, Charset: cs})
	if err != nil {
		return err
	}
	o.Display, o.closers = lcd, append(o.closers, lcd)
	return nil
}

// pinFinder looks pins up by the names the config gives them.
type pinFinder struct {
	names map[string]string
	err   error
}

func (p *pinFinder) maybe(role string) gpio.PinOut {
	name, ok := p.names[role]
	if !ok || name == "" {
		return nil
	}
	pin := gpioreg.ByName(name)
	if pin == nil {
		p.err = errors.Join(p.err, fmt.Errorf("gpio: pin %s (%s) not found on this board", name, role))
		return nil
	}
	return pin
}

func (p *pinFinder) need(role string) gpio.PinOut {
	pin := p.maybe(role)
	if pin == nil && p.names[role] == "" {
		p.err = errors.Join(p.err, fmt.Errorf("gpio: hardware.pins.%s is required", role))
	}
	return pin
}

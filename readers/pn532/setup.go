package pn532

import (
	"context"
	"fmt"

	"karta/readers"
)

// bringUp opens the port if needed, wakes the PN532 and configures it. A
// configured device starts a new generation: cards of older ones are gone.
func (d *device) bringUp(ctx context.Context) error {
	if err := d.open(); err != nil {
		d.fail(err)
		return err
	}
	if err := d.line.write(wakeUp()); err != nil {
		d.fail(err)
		return err
	}
	fw, err := d.configure(ctx)
	if err != nil {
		return err // call has counted it
	}
	d.fw, d.ready, d.failures = fw, true, 0
	d.gen++
	d.opt.Log.Info("pn532: ready", "reader", d.opt.Name, "firmware", fw.String())
	return nil
}

func (d *device) open() error {
	if d.line != nil {
		return nil
	}
	if d.opt.Reopen == nil {
		return fmt.Errorf("pn532: %s: the port is closed and Options.Reopen is nil: %w", d.opt.Name, readers.ErrReaderGone)
	}
	port, err := d.opt.Reopen()
	if err != nil {
		return &LineError{err}
	}
	d.line = &line{port: port, stop: d.stop}
	return nil
}

// configure runs the start-up sequence: SAMConfiguration first (a PN532
// woken from power-down or low-battery mode takes nothing else), then
// GetFirmwareVersion to check what answers, then RFConfiguration
// MaxRetries, so that InListPassiveTarget gives up after a few activation
// attempts instead of waiting for a card for ever.
func (d *device) configure(ctx context.Context) (Firmware, error) {
	t := d.opt.Timeout
	if _, err := d.call(ctx, CmdSAMConfiguration, []byte{samNormal, samTimeout, samUseIRQ}, t); err != nil {
		return Firmware{}, err
	}
	data, err := d.call(ctx, CmdGetFirmwareVersion, nil, t)
	if err != nil {
		return Firmware{}, err
	}
	fw, err := parseFirmware(data)
	if err != nil {
		d.fail(err)
		return Firmware{}, err
	}
	retries := []byte{rfMaxRetries, 0xFF, 0x01, d.opt.ActivationRetries}
	if _, err := d.call(ctx, CmdRFConfiguration, retries, t); err != nil {
		return Firmware{}, err
	}
	return fw, nil
}

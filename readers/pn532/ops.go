package pn532

import (
	"context"
	"fmt"

	"karta/readers"
)

// poll brings the device up and looks for a card once. It returns the card
// found, or nil, and the generation it belongs to.
func (d *device) poll(ctx context.Context) (*Target, uint64, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.up(ctx); err != nil {
		return nil, 0, err
	}
	data, err := d.call(ctx, CmdInListPassiveTarget, []byte{0x01, brTy106A}, d.opt.Timeout)
	if err != nil {
		return nil, 0, err
	}
	t, err := parseTargets(data)
	if err != nil {
		d.fail(err)
	}
	return t, d.gen, err
}

// firmware brings the device up and returns what GetFirmwareVersion said.
func (d *device) firmware(ctx context.Context) (Firmware, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.up(ctx); err != nil {
		return Firmware{}, err
	}
	return d.fw, nil
}

// errReset: the device was reset (or lost) since the card was found.
var errReset = fmt.Errorf("pn532: the reader was reset since the card was found: %w", readers.ErrCardRemoved)

// current checks that a card of generation gen can still be talked to.
func (d *device) current(gen uint64) error {
	select {
	case <-d.stop:
		return fmt.Errorf("pn532: %s: reader closed: %w", d.opt.Name, readers.ErrClosed)
	default:
	}
	if !d.ready || d.gen != gen {
		return errReset
	}
	return nil
}

// exchange sends apdu to target tg with InDataExchange and collects the
// answer, sending InDataExchange with no data for as long as the status
// byte has the MI bit: the rest of an answer too long for one frame.
func (d *device) exchange(ctx context.Context, gen uint64, tg byte, apdu []byte) ([]byte, int, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if err := d.current(gen); err != nil {
		return nil, 0, err
	}
	var resp []byte
	params := append([]byte{tg}, apdu...)
	for frames := 1; ; frames++ {
		more, err := d.dataIn(ctx, params, &resp)
		if err != nil || !more {
			return resp, frames, err
		}
		if len(resp) > maxResponse {
			return nil, frames, fmt.Errorf("pn532: InDataExchange: chained answer over %d bytes", maxResponse)
		}
		params = []byte{tg}
	}
}

// dataIn runs one InDataExchange, appends its DataIn to resp and reports
// whether more follows.
func (d *device) dataIn(ctx context.Context, params []byte, resp *[]byte) (bool, error) {
	data, err := d.call(ctx, CmdInDataExchange, params, d.opt.Timeout)
	if err != nil {
		return false, err
	}
	if len(data) == 0 {
		d.fail(fmt.Errorf("%w: InDataExchange answer without status", ErrMalformed))
		return false, d.lastErr
	}
	if err := checkStatus(CmdInDataExchange, data[0]); err != nil {
		return false, err
	}
	*resp = append(*resp, data[1:]...)
	return data[0]&StatusMI != 0, nil
}

// present asks the PN532 whether the card is still in the field with
// Diagnose NumTst 06, the attention request: for an ISO 14443-4 card the
// PN532 sends a presence check and reports whether the card answered.
func (d *device) present(ctx context.Context, gen uint64) (bool, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.current(gen) != nil {
		return false, nil
	}
	data, err := d.call(ctx, CmdDiagnose, []byte{diagAttention}, d.opt.Timeout)
	if err != nil {
		return false, err
	}
	return len(data) > 0 && data[0] == 0x00, nil
}

// release ends the PN532's session with target tg (InRelease), unless the
// device was reset since: then there is nothing to release.
func (d *device) release(ctx context.Context, gen uint64, tg byte) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.current(gen) != nil {
		return nil
	}
	data, err := d.call(ctx, CmdInRelease, []byte{tg}, d.opt.AckTimeout+d.opt.Timeout)
	if err != nil || len(data) == 0 {
		return err
	}
	return checkStatus(CmdInRelease, data[0])
}

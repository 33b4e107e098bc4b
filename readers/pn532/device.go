package pn532

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"karta/readers"
)

// device is the PN532 behind a Reader, shared with its Cards: one command
// at a time, and the bringing up of the device (opening the port, waking
// the PN532 and configuring it) whenever it is not ready.
type device struct {
	opt  Options
	stop chan struct{} // closed by close

	mu       sync.Mutex
	line     *line // nil while no port is open
	ready    bool  // woken and configured since the port opened
	gen      uint64
	fw       Firmware
	failures int // failed calls in a row
	lastErr  error
	stopOnce sync.Once
}

func newDevice(port Port, opt Options) *device {
	d := &device{opt: opt, stop: make(chan struct{})}
	if port != nil {
		d.line = &line{port: port, stop: d.stop}
	}
	return d
}

// call sends one command. A failure other than the context's makes the
// device not ready, and a line failure drops the port. Success on a ready
// device ends a run of failures; while bringing it up, only readiness does.
func (d *device) call(ctx context.Context, code byte, params []byte, timeout time.Duration) ([]byte, error) {
	data, err := d.line.do(ctx, &d.opt, code, params, timeout)
	if err == nil {
		if d.ready {
			d.failures = 0
		}
		return data, nil
	}
	if ctx.Err() == nil && !errors.Is(err, readers.ErrClosed) {
		d.fail(err)
	}
	return nil, err
}

func (d *device) fail(err error) {
	d.failures++
	d.lastErr = err
	d.ready = false
	var le *LineError
	if errors.As(err, &le) {
		d.dropPort()
	}
	d.opt.Log.Warn("pn532: device failed", "reader", d.opt.Name, "failures", d.failures, "err", err)
}

func (d *device) dropPort() {
	if d.line == nil {
		return
	}
	if err := d.line.port.Close(); err != nil {
		d.opt.Log.Debug("pn532: close port", "reader", d.opt.Name, "err", err)
	}
	d.line = nil
}

// up makes the device ready, with pauses between attempts. After
// Options.Retries failures in a row it reports readers.ErrReaderGone and
// starts counting afresh, so that the next call tries again.
func (d *device) up(ctx context.Context) error {
	for !d.ready {
		if err := d.given(); err != nil {
			return err
		}
		if err := d.pause(ctx); err != nil {
			return err
		}
		err := d.bringUp(ctx)
		if err != nil && (ctx.Err() != nil || errors.Is(err, readers.ErrClosed) || errors.Is(err, readers.ErrReaderGone)) {
			return err
		}
	}
	return nil
}

// given reports why up gives up: the Reader was closed, or the device
// failed too often in a row.
func (d *device) given() error {
	select {
	case <-d.stop:
		return fmt.Errorf("pn532: %s: %w", d.opt.Name, readers.ErrClosed)
	default:
	}
	if d.failures <= d.opt.Retries {
		return nil
	}
	err := fmt.Errorf("pn532: %s: no working device after %d attempts: %w; last: %w", d.opt.Name, d.failures, readers.ErrReaderGone, d.lastErr)
	d.failures = 0
	return err
}

// close stops any wait in progress and closes the port.
func (d *device) close() error {
	d.stopOnce.Do(func() { close(d.stop) })
	d.mu.Lock()
	defer d.mu.Unlock()
	d.ready = false
	if d.line == nil {
		return nil
	}
	err := d.line.port.Close()
	d.line = nil
	return err
}

// pause waits before a new attempt after failures.
func (d *device) pause(ctx context.Context) error {
	if d.failures == 0 {
		return nil
	}
	t := time.NewTimer(d.opt.backoff(d.failures - 1))
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-d.stop:
		return fmt.Errorf("pn532: %s: %w", d.opt.Name, readers.ErrClosed)
	}
}

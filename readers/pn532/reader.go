package pn532

import (
	"context"
	"errors"
	"fmt"
	"time"

	"karta/readers"
)

// Reader is a PN532 on a serial line. It is safe for concurrent use; its
// Cards share its device and take turns on it.
type Reader struct {
	dev *device
	opt Options
}

var _ readers.Reader = (*Reader)(nil)

// New returns a Reader speaking to a PN532 on port. It does nothing on the
// line yet: the first WaitCard (or Firmware) wakes and configures the
// PN532. The Reader owns port and closes it.
func New(port Port, opts Options) *Reader {
	opts = opts.withDefaults()
	return &Reader{dev: newDevice(port, opts), opt: opts}
}

// Name implements readers.Reader.
func (r *Reader) Name() string { return r.opt.Name }

// Firmware wakes and configures the PN532 if needed and returns its
// firmware version: a check that a PN532 answers on the port.
func (r *Reader) Firmware(ctx context.Context) (Firmware, error) {
	return r.dev.firmware(ctx)
}

// WaitCard implements readers.Reader: it asks the PN532 for a card every
// Options.PollInterval until one that speaks ISO 14443-4 is in the field.
// Cards that do not (MIFARE Classic, Ultralight) are released and left
// alone. It returns ctx.Err() when ctx ends, readers.ErrClosed after Close,
// and an error wrapping readers.ErrReaderGone when the device stays silent
// or absent for Options.Retries attempts; a later WaitCard tries again.
func (r *Reader) WaitCard(ctx context.Context) (readers.Card, error) {
	for {
		t, gen, err := r.dev.poll(ctx)
		switch {
		case err != nil && stops(ctx, err):
			return nil, err
		case err != nil:
			r.opt.Log.Debug("pn532: poll failed", "reader", r.opt.Name, "err", err)
		case t != nil && t.ISO14443_4():
			return r.found(*t, gen), nil
		case t != nil:
			r.skip(ctx, *t, gen)
		}
		if err := r.sleep(ctx, r.opt.PollInterval); err != nil {
			return nil, err
		}
	}
}

// stops reports whether err ends WaitCard rather than another attempt.
func stops(ctx context.Context, err error) bool {
	return ctx.Err() != nil || errors.Is(err, readers.ErrClosed) || errors.Is(err, readers.ErrReaderGone)
}

func (r *Reader) found(t Target, gen uint64) *Card {
	r.opt.Log.Debug("pn532: card", "reader", r.opt.Name, "sak", fmt.Sprintf("%02X", t.SELRes), "uid_len", len(t.NFCID), "ats_len", len(t.ATS))
	return &Card{dev: r.dev, gen: gen, target: t, log: r.opt.Log, name: r.opt.Name}
}

func (r *Reader) skip(ctx context.Context, t Target, gen uint64) {
	r.opt.Log.Debug("pn532: card without ISO 14443-4 ignored", "reader", r.opt.Name, "sak", fmt.Sprintf("%02X", t.SELRes))
	if err := r.dev.release(ctx, gen, t.Tg); err != nil {
		r.opt.Log.Debug("pn532: release", "reader", r.opt.Name, "err", err)
	}
}

// sleep waits d, or less when ctx ends or the Reader is closed.
func (r *Reader) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-r.dev.stop:
		return readers.ErrClosed
	}
}

// Close closes the port. A wait in progress ends within a few
// milliseconds with readers.ErrClosed. It is idempotent.
func (r *Reader) Close() error {
	return r.dev.close()
}

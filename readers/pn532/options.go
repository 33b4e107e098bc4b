package pn532

import (
	"io"
	"log/slog"
	"time"
)

// Options tune a Reader. Every zero value means the default.
type Options struct {
	// Name names the reader in logs and errors (default "PN532").
	Name string
	// Reopen opens the port again after the device vanished (a read or
	// write error: the USB-serial adapter unplugged, the pty closed). nil:
	// a vanished device is gone for good, and WaitCard reports
	// readers.ErrReaderGone.
	Reopen func() (Port, error)

	// AckTimeout bounds the wait for the PN532's ACK of a command (default
	// 100 ms); a command not acknowledged in time is sent again.
	AckTimeout time.Duration
	// Timeout bounds the wait for the answer to a command once it is
	// acknowledged (default 1 s). It bounds one card exchange: a card
	// asking for more time (ISO 14443-4 WTX) must answer within it.
	Timeout time.Duration
	// Retries is how often a command is sent again for a missing ACK, and
	// an answer asked for again (NACK) when the line broke it or it is late;
	// it also bounds the attempts to bring a silent or vanished device back
	// before WaitCard reports readers.ErrReaderGone (default 3). A command
	// thus fails with readers.ErrTimeout within about
	// (Retries+1)·AckTimeout without an ACK, or Timeout + Retries·AckTimeout
	// after one.
	Retries int
	// Backoff is the pause before the first attempt to bring the device
	// back, doubled each time up to MaxBackoff (defaults 100 ms and 2 s).
	Backoff    time.Duration
	MaxBackoff time.Duration

	// PollInterval is the pause between two looks for a card in WaitCard
	// and between two presence checks in WaitRemoved (default 100 ms).
	PollInterval time.Duration
	// ActivationRetries is the PN532's MxRtyPassiveActivation: how often
	// InListPassiveTarget tries to activate a card before it answers "none"
	// (default 2; 0xFF would make it wait for ever).
	ActivationRetries byte

	// Log gets reader events, command codes, status bytes and lengths;
	// never APDU data, which may hold the card number.
	Log *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.Name == "" {
		o.Name = "PN532"
	}
	o.AckTimeout = orDefault(o.AckTimeout, 100*time.Millisecond)
	o.Timeout = orDefault(o.Timeout, time.Second)
	o.Backoff = orDefault(o.Backoff, 100*time.Millisecond)
	o.MaxBackoff = orDefault(o.MaxBackoff, 2*time.Second)
	o.PollInterval = orDefault(o.PollInterval, 100*time.Millisecond)
	if o.Retries <= 0 {
		o.Retries = 3
	}
	if o.ActivationRetries == 0 {
		o.ActivationRetries = 2
	}
	if o.Log == nil {
		o.Log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

func orDefault(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// backoff is the pause before attempt n (0-based) to bring the device back.
func (o Options) backoff(n int) time.Duration {
	d := o.Backoff
	for range n {
		if d *= 2; d >= o.MaxBackoff {
			return o.MaxBackoff
		}
	}
	return d
}

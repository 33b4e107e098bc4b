package pcsc

import (
	"context"
	"errors"
	"time"

	"github.com/ebfe/scard"
)

// pnpReader is PC/SC's pseudo reader whose state changes when a reader is
// plugged in or out.
const pnpReader = `\\?PnP?\Notification`

// forever is an infinite SCardGetStatusChange timeout.
const forever = -1

// cancelRetry is how often the cancellation of a wait is repeated until the
// wait returns: an SCardCancel that lands just before the wait registers
// with pcscd is lost.
const cancelRetry = 20 * time.Millisecond

// statusChange runs one SCardGetStatusChange on p. When ctx ends first it
// cancels the wait and returns ctx.Err(). The goroutine that cancels exists
// only once ctx has ended, and is gone when statusChange returns.
func statusChange(ctx context.Context, p *pctx, states []scard.ReaderState, timeout time.Duration) error {
	return p.do(func(sc *scard.Context) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return cancellable(ctx, p, func() error { return sc.GetStatusChange(states, timeout) })
	})
}

// cancellable runs wait, cancelling it on p when ctx ends.
func cancellable(ctx context.Context, p *pctx, wait func() error) error {
	returned, finished := make(chan struct{}), make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(finished)
		cancelUntil(p, returned)
	})
	err := wait()
	close(returned)
	if !stop() {
		<-finished
	}
	if ctx.Err() != nil && errors.Is(err, scard.ErrCancelled) {
		return ctx.Err()
	}
	return err
}

func cancelUntil(p *pctx, returned <-chan struct{}) {
	t := time.NewTicker(cancelRetry)
	defer t.Stop()
	for {
		p.cancel()
		select {
		case <-returned:
			return
		case <-t.C:
		}
	}
}

// watch waits until reader's state satisfies done. from is the state the
// caller knows (StateUnaware: none, report the state now); the last state
// seen is returned.
func watch(ctx context.Context, p *pctx, reader string, from scard.StateFlag, done func(scard.StateFlag) bool) (scard.StateFlag, error) {
	st := []scard.ReaderState{{Reader: reader, CurrentState: from}}
	for {
		if err := statusChange(ctx, p, st, forever); err != nil {
			return st[0].CurrentState, err
		}
		if done(st[0].EventState) {
			return st[0].EventState &^ scard.StateChanged, nil
		}
		st[0].CurrentState = st[0].EventState &^ scard.StateChanged
	}
}

// pnpTurn lets one wait at a time use the PnP pseudo reader. ebfe/scard
// keeps reader-name buffers for C in a global map keyed by name, so two
// waits on one name at once could let the collector free a buffer C still
// reads.
var pnpTurn = make(chan struct{}, 1)

// waitReaders waits until the list of readers may have changed: PC/SC's
// reader-list notification, or rescan at most. last is the PnP state the
// previous call returned (0 at first); the new one is returned.
func waitReaders(ctx context.Context, p *pctx, last scard.StateFlag, rescan time.Duration) (scard.StateFlag, error) {
	now, notified, err := pnpWait(ctx, p, last, rescan)
	if err == nil && !notified {
		err = sleep(ctx, rescan) // no notifications from this PC/SC: poll
	}
	return now, err
}

func pnpWait(ctx context.Context, p *pctx, last scard.StateFlag, rescan time.Duration) (scard.StateFlag, bool, error) {
	select {
	case pnpTurn <- struct{}{}:
	case <-ctx.Done():
		return last, false, ctx.Err()
	}
	defer func() { <-pnpTurn }()
	st := []scard.ReaderState{{Reader: pnpReader, CurrentState: last}}
	err := statusChange(ctx, p, st, rescan)
	switch {
	case errors.Is(err, scard.ErrTimeout):
		return last, true, nil
	case err != nil:
		return last, false, err
	}
	return st[0].EventState &^ scard.StateChanged, st[0].EventState&scard.StateChanged != 0, nil
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

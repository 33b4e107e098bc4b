package pcsc

import (
	"context"
	"errors"

	"github.com/ebfe/scard"

	"karta/readers"
)

// waiter is the state of one WaitCard: which reader it watches and what it
// last saw. Errors it returns are wrapped already.
type waiter struct {
	r    *Reader
	p    *pctx
	name string          // the matched reader; "" while it is absent
	seen scard.StateFlag // the reader's state last seen; StateUnaware to start over
	pnp  scard.StateFlag // the reader-list notification's last state
}

// step waits for the next thing that matters: the reader appearing or
// going, or a card. It returns a connected card, an error, or neither when
// the caller should simply step again.
func (w *waiter) step(ctx context.Context) (*Card, error) {
	if w.name == "" {
		return nil, w.find(ctx)
	}
	seen, err := watch(ctx, w.p, w.name, w.seen, cardOrUnplugged)
	w.seen = seen
	switch {
	case errors.Is(err, scard.ErrUnknownReader), err == nil && seen&scard.StateUnknown != 0:
		w.r.set.log.Info("pcsc: reader unplugged; waiting for it", "reader", w.name)
		w.name = ""
		return nil, w.waitList(ctx)
	case err != nil:
		return nil, wrap("wait for a card in "+w.name, err)
	}
	return w.connect()
}

// find looks for the reader among those plugged in, and waits for the list
// to change when it is not there.
func (w *waiter) find(ctx context.Context) error {
	names, err := list(w.p)
	if err != nil {
		return err
	}
	if w.name = match(names, w.r.pattern); w.name != "" {
		w.seen = scard.StateUnaware
		w.r.found(w.name)
		w.r.set.log.Debug("pcsc: watching reader", "reader", w.name)
		return nil
	}
	return w.waitList(ctx)
}

func (w *waiter) waitList(ctx context.Context) error {
	pnp, err := waitReaders(ctx, w.p, w.pnp, w.r.set.rescan)
	w.pnp = pnp
	if err != nil && ctx.Err() == nil {
		return wrap("wait for reader "+w.r.pattern, err)
	}
	return err
}

// connect connects to the card just seen. A card that went again before
// that, or that another program holds, is waited out: the next step waits
// for the reader's state to change.
func (w *waiter) connect() (*Card, error) {
	var h *scard.Card
	err := w.p.do(func(sc *scard.Context) (err error) {
		h, err = sc.Connect(w.name, w.r.set.share, w.r.set.proto)
		return err
	})
	if err == nil {
		var c *Card
		if c, err = newCard(w.r.life, w.r.set, w.p, w.name, w.seen, h); err == nil {
			return c, nil
		}
	}
	err = wrap("connect to the card in "+w.name, err)
	if errors.Is(err, readers.ErrCardRemoved) || errors.Is(err, scard.ErrSharingViolation) {
		w.r.set.log.Info("pcsc: card not connected; waiting for the next one", "reader", w.name, "err", err)
		return nil, nil
	}
	return nil, err
}

// cardOrUnplugged: a card that answered its reset is in the field, or the
// reader has gone.
func cardOrUnplugged(ev scard.StateFlag) bool {
	return ev&scard.StateUnknown != 0 || ev&scard.StatePresent != 0 && ev&scard.StateMute == 0
}

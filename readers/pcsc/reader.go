package pcsc

import (
	"context"
	"fmt"
	"sync"

	"karta/readers"
)

// Reader is one PC/SC reader, found by name. It has its own PC/SC context,
// so cancelling its wait never disturbs another Reader.
type Reader struct {
	set     settings
	pattern string
	conn    conn
	life    context.Context // ends at Close
	kill    context.CancelFunc

	mu   sync.Mutex
	name string // the reader's full name, once matched
}

var _ readers.Reader = (*Reader)(nil)

func newReader(set settings, pattern string) *Reader {
	life, kill := context.WithCancel(context.Background())
	return &Reader{set: set, pattern: pattern, life: life, kill: kill}
}

// Name is the reader's full name once it has been seen, and the name given
// to Context.Reader before that.
func (r *Reader) Name() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.name != "" {
		return r.name
	}
	return r.pattern
}

func (r *Reader) found(name string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.name = name
}

// WaitCard blocks until a card is in the field and returns it connected. A
// card already in the field is returned at once: call Card.WaitRemoved
// before WaitCard to wait for the next presentation. While the reader is
// unplugged WaitCard keeps waiting for it to come back. It returns ctx.Err()
// when ctx ends, an error wrapping readers.ErrClosed after Close, and one
// wrapping readers.ErrReaderGone when pcscd is not running. A pcscd that
// restarted since the last call, or during the wait, is connected to
// afresh, so a caller that retries after ErrReaderGone survives a restart.
func (r *Reader) WaitCard(ctx context.Context) (readers.Card, error) {
	wctx, stop := bind(ctx, r.life)
	defer stop()
	var card *Card
	err := r.conn.use(func(p *pctx) (err error) {
		card, err = r.wait(wctx, p)
		return err
	})
	if err != nil {
		return nil, r.failed(ctx, err)
	}
	return card, nil
}

func (r *Reader) wait(ctx context.Context, p *pctx) (*Card, error) {
	w := &waiter{r: r, p: p}
	for {
		if c, err := w.step(ctx); c != nil || err != nil {
			return c, err
		}
	}
}

// Close unblocks a pending WaitCard, and a pending WaitRemoved of the
// Reader's cards, and releases the Reader's context. Cards already handed
// out stop working. It is idempotent.
func (r *Reader) Close() error {
	r.kill()
	return r.conn.close()
}

// failed turns the error that ended a wait into WaitCard's answer.
func (r *Reader) failed(ctx context.Context, err error) error {
	if serviceGone(err) {
		r.set.log.Warn("pcsc: PC/SC service gone", "reader", r.Name(), "err", err)
	}
	return r.ended(ctx, err)
}

// ended prefers Close and the caller's ctx over err.
func (r *Reader) ended(ctx context.Context, err error) error {
	switch {
	case r.life.Err() != nil:
		return fmt.Errorf("pcsc: reader %s: %w", r.Name(), readers.ErrClosed)
	case ctx.Err() != nil:
		return ctx.Err()
	}
	return err
}

// bind returns a context that ends with ctx or with life.
func bind(ctx, life context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(life, cancel)
	return ctx, func() { stop(); cancel() }
}

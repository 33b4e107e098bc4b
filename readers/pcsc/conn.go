package pcsc

import (
	"fmt"
	"sync"

	"github.com/ebfe/scard"

	"karta/readers"
)

// pctx is one PC/SC context and the calls on it. libpcsclite holds its
// global lock while it waits for a context's own lock, so a call on a
// context busy in SCardGetStatusChange would stall every PC/SC call of the
// process, SCardCancel included, until the wait ends. Calls on a pctx
// therefore queue on mu first; only Cancel skips the queue.
type pctx struct {
	mu sync.Mutex
	sc *scard.Context
}

// do runs f on the context once no other call is running on it.
func (p *pctx) do(f func(*scard.Context) error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return f(p.sc)
}

// cancel unblocks a pending SCardGetStatusChange on the context.
func (p *pctx) cancel() { p.sc.Cancel() }

func (p *pctx) release() error {
	return p.do(func(sc *scard.Context) error { return sc.Release() })
}

// conn is a PC/SC context established on first use and again after the
// service went away.
type conn struct {
	mu     sync.Mutex
	p      *pctx
	closed bool
}

// get returns the context, and whether it was established just now.
func (c *conn) get() (p *pctx, fresh bool, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return nil, false, fmt.Errorf("pcsc: %w", readers.ErrClosed)
	}
	if c.p == nil {
		sc, err := scard.EstablishContext()
		if err != nil {
			return nil, false, wrap("establish context (is pcscd running?)", err)
		}
		c.p, fresh = &pctx{sc: sc}, true
	}
	return c.p, fresh, nil
}

// use runs f on the context. When f finds the service gone and the context
// is from before (pcscd restarted since), it runs once more on a new one.
func (c *conn) use(f func(*pctx) error) error {
	for {
		p, fresh, err := c.get()
		if err != nil {
			return err
		}
		err = f(p)
		if !serviceGone(err) {
			return err
		}
		c.drop(p)
		if fresh {
			return err
		}
	}
}

// drop forgets p once the service behind it has gone; the next get
// establishes a new context.
func (c *conn) drop(p *pctx) {
	c.mu.Lock()
	mine := c.p == p
	if mine {
		c.p = nil
	}
	c.mu.Unlock()
	if mine {
		p.release() // the service is gone: nothing to report
	}
}

// close releases the context for good, once the call running on it, if
// any, has returned: cancel blocking calls first.
func (c *conn) close() error {
	c.mu.Lock()
	p := c.p
	c.p, c.closed = nil, true
	c.mu.Unlock()
	if p == nil {
		return nil
	}
	if err := p.release(); err != nil && !serviceGone(err) {
		return wrap("release context", err)
	}
	return nil
}

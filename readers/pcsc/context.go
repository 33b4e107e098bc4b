package pcsc

import (
	"errors"
	"sync"

	"github.com/ebfe/scard"
)

// Context is a connection to the PC/SC service (pcscd) and the Readers made
// from it. It is safe for concurrent use.
type Context struct {
	set  settings
	conn conn

	mu      sync.Mutex
	readers []*Reader
	closed  bool
}

// Open checks opts and establishes a PC/SC context. When pcscd is not
// running the error wraps readers.ErrReaderGone.
func Open(opts Options) (*Context, error) {
	set, err := opts.settings()
	if err != nil {
		return nil, err
	}
	c := &Context{set: set}
	if _, _, err := c.conn.get(); err != nil {
		return nil, err
	}
	return c, nil
}

// Readers lists the readers pcscd has now, in its order; none is an empty
// list. After a pcscd restart it connects to the new pcscd by itself.
func (c *Context) Readers() (names []string, err error) {
	err = c.conn.use(func(p *pctx) (err error) {
		names, err = list(p)
		return err
	})
	return names, err
}

// Reader returns the Reader for name: the reader of that exact name or,
// when there is none, the first whose name starts with name ("ACS ACR122U"
// matches "ACS ACR122U PICC Interface 00 00"; "" matches the first reader).
// The reader need not be plugged in yet; the match is made again each time
// it comes back. Names are case-sensitive.
func (c *Context) Reader(name string) *Reader {
	r := newReader(c.set, name)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		r.Close()
		return r
	}
	c.readers = append(c.readers, r)
	return r
}

// Close closes every Reader made by Reader, which unblocks their WaitCard
// calls, and releases the context. It is idempotent.
func (c *Context) Close() error {
	c.mu.Lock()
	rs := c.readers
	c.readers, c.closed = nil, true
	c.mu.Unlock()
	var errs []error
	for _, r := range rs {
		errs = append(errs, r.Close())
	}
	return errors.Join(append(errs, c.conn.close())...)
}

// list returns the reader names; no reader is not an error.
func list(p *pctx) ([]string, error) {
	var names []string
	err := p.do(func(sc *scard.Context) (err error) {
		names, err = sc.ListReaders()
		return err
	})
	if errors.Is(err, scard.ErrNoReadersAvailable) {
		return nil, nil
	}
	if err != nil {
		return nil, wrap("list readers", err)
	}
	return names, nil
}

// match picks the reader called name, or else the first whose name starts
// with it; "" when none does.
func match(names []string, name string) string {
	for _, n := range names {
		if n == name {
			return n
		}
	}
	for _, n := range names {
		if len(n) > len(name) && n[:len(name)] == name {
			return n
		}
	}
	return ""
}

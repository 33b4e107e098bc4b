package readers

import (
	"context"
	"sync"
)

// Presence is the lifecycle of one card presentation: in the field until
// Remove or Close, then gone for good. Drivers and fakes embed it to get
// Remove, Close and WaitRemoved with the contract of Card. The zero value
// is a card in the field; it is safe for concurrent use.
type Presence struct {
	mu      sync.Mutex
	removed bool
	closed  bool
	gone    chan struct{} // closed once removed or closed
}

// Err is nil while the card is in the field; after Close it is ErrClosed,
// after Remove ErrCardRemoved.
func (p *Presence) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case p.closed:
		return ErrClosed
	case p.removed:
		return ErrCardRemoved
	}
	return nil
}

// Remove marks the card as gone from the field and wakes WaitRemoved.
func (p *Presence) Remove() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.removed = true
	p.releaseLocked()
}

// Close releases the card and wakes WaitRemoved. It is idempotent.
func (p *Presence) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.closed = true
	p.releaseLocked()
	return nil
}

// WaitRemoved returns nil once the card is removed or closed, or ctx.Err()
// if ctx ends first.
func (p *Presence) WaitRemoved(ctx context.Context) error {
	select {
	case <-p.goneChan():
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (p *Presence) goneChan() chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.goneLocked()
}

func (p *Presence) goneLocked() chan struct{} {
	if p.gone == nil {
		p.gone = make(chan struct{})
	}
	return p.gone
}

func (p *Presence) releaseLocked() {
	gone := p.goneLocked()
	select {
	case <-gone:
	default:
		close(gone)
	}
}

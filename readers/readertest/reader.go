package readertest

import (
	"context"
	"fmt"
	"sync"

	"karta/readers"
)

// Reader is a fake readers.Reader: WaitCard hands out, in order, the cards a
// test queued with Present.
type Reader struct {
	name string

	mu        sync.Mutex
	queue     []readers.Card
	unplugged bool
	changed   chan struct{} // closed and replaced on every Present or Unplug
}

var _ readers.Reader = (*Reader)(nil)

// NewReader returns a Reader called name with no card in its field.
func NewReader(name string) *Reader {
	return &Reader{name: name}
}

// Name returns the name given to NewReader.
func (r *Reader) Name() string { return r.name }

// Present queues c for the next WaitCard, waking a pending one.
func (r *Reader) Present(c readers.Card) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.queue = append(r.queue, c)
	r.notifyLocked()
}

// Unplug makes pending and future WaitCard calls fail with an error wrapping
// readers.ErrReaderGone. Cards already handed out are not affected.
func (r *Reader) Unplug() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.unplugged = true
	r.notifyLocked()
}

// notifyLocked wakes every pending WaitCard.
func (r *Reader) notifyLocked() {
	if r.changed != nil {
		close(r.changed)
	}
	r.changed = make(chan struct{})
}

// WaitCard returns the oldest presented card, blocking until one is
// presented, the reader is unplugged or ctx is done.
func (r *Reader) WaitCard(ctx context.Context) (readers.Card, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for {
		c, changed, err := r.next()
		if c != nil || err != nil {
			return c, err
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// next pops the oldest card, or returns the channel to wait on for news.
func (r *Reader) next() (readers.Card, <-chan struct{}, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.unplugged:
		return nil, nil, fmt.Errorf("readertest: reader %q unplugged: %w", r.name, readers.ErrReaderGone)
	case len(r.queue) > 0:
		c := r.queue[0]
		r.queue = r.queue[1:]
		return c, nil, nil
	}
	if r.changed == nil {
		r.changed = make(chan struct{})
	}
	return nil, r.changed, nil
}

package transcript

import (
	"bytes"
	"context"
	"sync"

	"karta/readers"
)

// Recorder is a readers.Card that passes every command to another card and
// keeps the exchanges that succeeded. It is safe for concurrent use.
type Recorder struct {
	card readers.Card

	mu        sync.Mutex
	exchanges []Exchange
}

var _ readers.Card = (*Recorder)(nil)

// Record returns a Recorder in front of c.
func Record(c readers.Card) *Recorder { return &Recorder{card: c} }

// Transmit passes command to the underlying card and, if it answers without
// error, records the exchange.
func (r *Recorder) Transmit(ctx context.Context, command []byte) ([]byte, error) {
	resp, err := r.card.Transmit(ctx, command)
	if err != nil {
		return resp, err
	}
	e := Exchange{Command: bytes.Clone(command), Response: bytes.Clone(resp)}
	r.mu.Lock()
	r.exchanges = append(r.exchanges, e)
	r.mu.Unlock()
	return resp, nil
}

// WaitRemoved waits on the underlying card.
func (r *Recorder) WaitRemoved(ctx context.Context) error { return r.card.WaitRemoved(ctx) }

// Close closes the underlying card; the recording stays available.
func (r *Recorder) Close() error { return r.card.Close() }

// Transcript returns a copy of the exchanges recorded so far.
func (r *Recorder) Transcript() *Transcript {
	r.mu.Lock()
	defer r.mu.Unlock()
	return &Transcript{Exchanges: cloneExchanges(r.exchanges)}
}

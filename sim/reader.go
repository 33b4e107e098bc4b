package sim

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"karta/readers"
	"karta/readers/readertest"
)

// ErrOutOfCards: a virtual reader has presented all the cards it was given.
var ErrOutOfCards = errors.New("sim: reader out of cards")

// Reader is a virtual reader: it presents its cards in turn, Every apart,
// and each card leaves the field as soon as the device waits for it to go
// (the person takes the card back when signalled). After Count
// presentations (0: never) it reports ErrOutOfCards.
type Reader struct {
	ReaderName string
	Cards      []*Card
	Every      time.Duration
	Count      int

	mu sync.Mutex
	n  int
}

var _ readers.Reader = (*Reader)(nil)

// Name implements readers.Reader.
func (r *Reader) Name() string { return r.ReaderName }

// WaitCard implements readers.Reader.
func (r *Reader) WaitCard(ctx context.Context) (readers.Card, error) {
	n, err := r.next()
	if err != nil {
		return nil, err
	}
	if r.Every > 0 {
		t := time.NewTimer(r.Every)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-t.C:
		}
	} else if err := ctx.Err(); err != nil {
		return nil, err
	}
	return takenBack{r.Cards[n%len(r.Cards)].Insert()}, nil
}

func (r *Reader) next() (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.Cards) == 0 || r.Count > 0 && r.n >= r.Count {
		return 0, fmt.Errorf("reader %s presented its %d cards: %w", r.ReaderName, r.n, ErrOutOfCards)
	}
	r.n++
	return r.n - 1, nil
}

// takenBack is a card the person takes away once they are signalled.
type takenBack struct{ *readertest.Card }

func (c takenBack) WaitRemoved(ctx context.Context) error {
	c.Remove()
	return c.Card.WaitRemoved(ctx)
}

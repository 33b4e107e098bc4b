package readertest

import (
	"context"
	"time"

	"karta/readers"
)

// Timed wraps a card and adds up the time its Transmits take: the APDU
// round trips, so a benchmark can tell the transport's share of a tap from
// the software's.
type Timed struct {
	readers.Card
	spent time.Duration
	n     int
}

// Transmit implements readers.Card.
func (t *Timed) Transmit(ctx context.Context, cmd []byte) ([]byte, error) {
	start := time.Now()
	resp, err := t.Card.Transmit(ctx, cmd)
	t.spent += time.Since(start)
	t.n++
	return resp, err
}

// Spent is the time in Transmit and Exchanges the number of calls, since
// the last Reset.
func (t *Timed) Spent() time.Duration { return t.spent }
func (t *Timed) Exchanges() int       { return t.n }

// Reset starts counting again.
func (t *Timed) Reset() { t.spent, t.n = 0, 0 }

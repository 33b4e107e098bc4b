package agent

import (
	"context"
	"fmt"
	"time"

	"karta/readers"
)

// removalWait is how long a card may stay in the field before the agent
// says so in its log; it keeps waiting, so a card left on the reader is
// never read twice.
const removalWait = 30 * time.Second

// Serve taps the cards presented at r until ctx ends (nil) or the reader
// fails (its error). One goroutine per reader runs it.
func (d *Device) Serve(ctx context.Context, r readers.Reader, direction string) error {
	for {
		card, err := r.WaitCard(ctx)
		if ctx.Err() != nil {
			return nil
		}
		if err != nil {
			return fmt.Errorf("agent: reader %s: %w", r.Name(), err)
		}
		d.tapOne(ctx, card, r.Name(), direction)
		d.release(ctx, card)
	}
}

// release waits for the person to take the card away, so that one
// presentation is one tap, then closes it.
func (d *Device) release(ctx context.Context, card readers.Card) {
	t := time.AfterFunc(removalWait, func() { d.Log.Warn("agent: a card has been left in the field", "for", removalWait) })
	defer t.Stop()
	if err := card.WaitRemoved(ctx); err != nil && ctx.Err() == nil {
		d.Log.Warn("agent: waiting for the card to leave the field", "err", err)
	}
	card.Close()
}

// tapOne taps a card, recording the session when the device records.
func (d *Device) tapOne(ctx context.Context, card readers.Card, reader, direction string) {
	if d.Record == nil {
		d.Tap(ctx, card, reader, direction)
		return
	}
	rec := d.Record.Wrap(card)
	res := d.Tap(ctx, rec, reader, direction)
	if path, err := d.Record.Save(rec, reader, res); err != nil {
		d.Log.Error("agent: record", "err", err)
	} else {
		d.Log.Info("agent: recorded", "file", path)
	}
}

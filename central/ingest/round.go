package ingest

import (
	"context"
	"fmt"
	"time"

	"karta/central/store"
	tapsync "karta/sync"
)

// gather waits for a first batch, then takes more until the round is full
// (Round batches or RoundTaps taps) or Wait has passed.
func (in *Ingester) gather(ctx context.Context) ([]received, error) {
	var round []received
	taps := 0
	take := func(r received) {
		round = append(round, r)
		taps += len(r.batch.Taps)
		in.queued.Add(-int64(len(r.batch.Taps)))
	}
	select {
	case <-ctx.Done():
		return nil, nil
	case <-in.Conn.Lost():
		return nil, fmt.Errorf("ingest: connection lost")
	case r := <-in.in:
		take(r)
	}
	if ctx.Err() != nil {
		return nil, nil
	}
	deadline := time.NewTimer(in.Wait)
	defer deadline.Stop()
	for len(round) < in.Round && taps < in.RoundTaps {
		select {
		case r := <-in.in:
			take(r)
		case <-deadline.C:
			return round, nil
		}
	}
	return round, nil
}

// store commits a round but its revoked devices' batches, then acks each
// device what is now stored, then shows Saved each batch.
func (in *Ingester) store(ctx context.Context, round []received) error {
	if len(round) == 0 {
		return ctx.Err()
	}
	if round = in.refuseRevoked(ctx, round); len(round) == 0 {
		return nil
	}
	batches := make([]store.DeviceBatch, len(round))
	for i, r := range round {
		batches[i] = store.DeviceBatch{Device: r.batch.Device, Received: r.at, Taps: r.batch.Taps}
	}
	saved, err := in.Store.SaveTaps(ctx, batches)
	if err != nil {
		return err
	}
	for _, s := range saved {
		in.stored.Add(int64(s.New))
	}
	err = in.ack(saved)
	if in.Saved != nil {
		for i, s := range saved {
			in.Saved(round[i].batch, s, round[i].at)
		}
	}
	return err
}

// ack sends each device one ack with all its ranges of the round.
func (in *Ingester) ack(saved []store.Saved) error {
	byDevice := map[string][]tapsync.SeqRange{}
	for _, s := range saved {
		byDevice[s.Device] = append(byDevice[s.Device], s.Ranges...)
	}
	for dev, ranges := range byDevice {
		payload, err := tapsync.Encode(tapsync.Ack{V: tapsync.V, Device: dev, Ranges: ranges})
		if err == nil {
			err = in.Conn.Publish(tapsync.AckTopic(dev), 1, false, payload)
		}
		if err != nil {
			return fmt.Errorf("ingest: ack %s: %w", dev, err)
		}
	}
	return nil
}

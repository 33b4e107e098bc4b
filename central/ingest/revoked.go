package ingest

import (
	"context"
	"time"
)

// revokedSet is the revoked devices as last read, and those whose
// refusal was logged.
type revokedSet struct {
	ids    map[string]bool
	read   time.Time // zero: never read
	logged map[string]bool
}

// refuseRevoked takes the batches of revoked devices out of round: not
// stored, not acked, counted as refused, and logged once a device.
func (in *Ingester) refuseRevoked(ctx context.Context, round []received) []received {
	in.readRevoked(ctx)
	kept := round[:0]
	for _, r := range round {
		dev := r.batch.Device
		if !in.revoked.ids[dev] {
			kept = append(kept, r)
			continue
		}
		in.refused.Add(1)
		if !in.revoked.logged[dev] {
			in.revoked.logged[dev] = true
			in.Log.Warn("ingest: batches refused: the device is decommissioned (not stored, not acked; logged once a device)", "device", dev)
		}
	}
	return kept
}

// readRevoked reads the revoked devices again once RevokedEvery has
// passed since the last read. A failed read keeps the last set and is
// tried again RevokedEvery later.
func (in *Ingester) readRevoked(ctx context.Context) {
	now := in.Now()
	if !in.revoked.read.IsZero() && now.Sub(in.revoked.read) < in.RevokedEvery {
		return
	}
	in.revoked.read = now
	if in.revoked.logged == nil {
		in.revoked.logged = map[string]bool{}
	}
	ids, err := in.Store.RevokedDevices(ctx)
	if err != nil {
		in.Log.Warn("ingest: revoked devices not read; refusing those read before", "err", err)
		return
	}
	set := make(map[string]bool, len(ids))
	for _, id := range ids {
		set[id] = true
	}
	in.revoked.ids = set
}

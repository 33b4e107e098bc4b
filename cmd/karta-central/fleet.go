package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"karta/central/api"
	"karta/central/broker"
	"karta/central/store"
	"karta/offline/bundle"
)

// fleet is what the API's device registration and decommissioning act on:
// the store and the embedded broker's passwords and revocation. Device
// certificates are issued by karta provision from the fleet CA, which
// central never holds.
func (c *instance) fleet() api.Fleet {
	f := &fleet{st: c.st}
	if c.f.mqttURL == "" {
		f.secretFile = c.f.secretFile
		if c.steer != nil {
			f.kick = c.steer.kick
		}
	}
	return f
}

// fleet registers devices in the store and revokes them there. The
// embedded broker drops a device at once when it is decommissioned and
// refuses it at every connect after (steering.revoked); ingest refuses
// its batches within its RevokedEvery. An external Mosquitto shuts it out
// when the ACL is written again from the registry (mosquitto-conf --db)
// and reloaded.
type fleet struct {
	st *store.Store
	// secretFile is central's secret on the embedded broker, where device
	// passwords derive from it; "" on an external broker.
	secretFile string
	// kick drops a device from the embedded broker and says whether it
	// was connected (steering.kick); nil on an external broker.
	kick func(device string) bool
}

// Register implements api.Fleet. Checking the id and writing it are two
// steps: two technicians registering one id at the same instant may both
// succeed, the second's role, route and school winning.
func (f *fleet) Register(ctx context.Context, r api.Registration) (api.Registered, error) {
	if err := r.Check(); err != nil {
		return api.Registered{}, err
	}
	d, err := f.st.Device(ctx, r.ID)
	isNew := errors.Is(err, store.ErrNotFound)
	if err != nil && !isNew {
		return api.Registered{}, err
	}
	d.ID = r.ID
	if err := f.admit(ctx, d, r.Replace); err != nil {
		return api.Registered{}, err
	}
	if err := f.st.PutDevice(ctx, store.Device{ID: r.ID, Role: r.Role, Route: r.Route, School: r.School}); err != nil {
		return api.Registered{}, err
	}
	out := api.Registered{ID: r.ID, Role: r.Role, Route: r.Route, School: r.School, Lists: api.DeviceLists(r.Role, r.School), New: isNew}
	if f.secretFile != "" {
		secret, err := broker.ReadSecret(f.secretFile)
		if err != nil {
			return api.Registered{}, err
		}
		out.BrokerPassword = broker.Passwords{Secret: secret}.For(r.ID)
	}
	return out, nil
}

// admit refuses an id that was revoked, or that is in service (it has
// connected, or central holds taps of it, registered or not) unless
// replace.
func (f *fleet) admit(ctx context.Context, d store.Device, replace bool) error {
	if d.Revoked {
		return fmt.Errorf("%w: %s (decommissioned ids are never reused: give the device a new id)", api.ErrDecommissioned, d.ID)
	}
	if replace {
		return nil
	}
	taps, err := f.st.CountTaps(ctx, store.TapQuery{Device: d.ID})
	if err != nil {
		return err
	}
	if d.LastSeen.IsZero() && taps == 0 {
		return nil // registered ahead (karta-central device add) or by a provisioning that did not finish
	}
	seen := "never connected"
	if !d.LastSeen.IsZero() {
		seen = "last seen " + d.LastSeen.UTC().Format(time.RFC3339)
	}
	return fmt.Errorf("%w: %s (%s, %d taps at central); replacing it? karta provision --replace-from its old storage",
		api.ErrInService, d.ID, seen, taps)
}

// Snapshot implements api.Fleet: the list's newest version, which the
// list builder always stores as a snapshot too.
func (f *fleet) Snapshot(ctx context.Context, list string) (*bundle.Bundle, error) {
	l, ok, err := f.st.LatestList(ctx, list)
	switch {
	case err != nil:
		return nil, err
	case !ok || l.Base != 0:
		return nil, fmt.Errorf("no snapshot of list %s is stored (karta-central lists build): %w", list, store.ErrNotFound)
	}
	return &bundle.Bundle{Signed: l.Signed, Chunks: l.Chunks}, nil
}

// Decommission implements api.Fleet. Revoking twice is no error: a
// re-run after a lost answer must succeed.
func (f *fleet) Decommission(ctx context.Context, id string) (api.Decommissioned, error) {
	if _, err := f.st.Device(ctx, id); err != nil {
		return api.Decommissioned{}, err
	}
	if err := f.st.RevokeDevice(ctx, id); err != nil {
		return api.Decommissioned{}, err
	}
	return api.Decommissioned{ID: id, Revoked: true, Note: f.dropped(id)}, nil
}

// dropped drops a decommissioned device from the embedded broker and
// says what became of it.
func (f *fleet) dropped(id string) string {
	const taps = "central refuses its taps within seconds"
	switch {
	case f.secretFile == "":
		return taps + " and sends it no more configs or commands; an external broker lets it publish and read until its rules go: " +
			"on Mosquitto, write the ACL again (karta-central mosquitto-conf --db … --acl-only) and reload Mosquitto (docs/OPERATIONS.md)"
	case f.kick != nil && f.kick(id):
		return "the embedded broker dropped it and refuses it from now on; " + taps
	default:
		return "the embedded broker refuses it from now on; " + taps
	}
}

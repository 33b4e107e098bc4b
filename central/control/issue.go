package control

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"karta/central/store"
	"karta/offline/bundle"
	tapsync "karta/sync"
)

// IssueStore is what issuing needs of central's database.
type IssueStore interface {
	Device(ctx context.Context, id string) (store.Device, error)
	Config(ctx context.Context, device string) (uint64, []byte, error)
	SaveConfig(ctx context.Context, device string, version uint64, signed []byte) error
	AddCommand(ctx context.Context, c store.Command) error
}

// Issuer signs and stores configs and commands for registered devices.
type Issuer struct {
	Store IssueStore
	Key   *bundle.SigningKey // the list signing key devices pin
	Now   func() time.Time   // nil: time.Now
}

// TTL bounds of a command.
const (
	MinTTL = 10 * time.Second
	MaxTTL = 7 * 24 * time.Hour
)

// Config makes device's next config from rules (see CheckRules): the
// stored version + 1, issued now, signed, stored. The Downlink publishes
// it. Two issuers racing for one device: one gets store.ErrNotNewer.
func (is *Issuer) Config(ctx context.Context, device, rules string) (tapsync.Config, error) {
	role, err := CheckRules(rules)
	if err != nil {
		return tapsync.Config{}, err
	}
	if err := is.registered(ctx, device, role); err != nil {
		return tapsync.Config{}, err
	}
	v, _, err := is.Store.Config(ctx, device)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return tapsync.Config{}, err
	}
	c := tapsync.Config{V: tapsync.V, Device: device, Version: v + 1, Issued: is.now(), Rules: rules}
	signed, err := tapsync.Sign(is.Key, c)
	if err == nil {
		err = is.Store.SaveConfig(ctx, device, c.Version, signed)
	}
	if err != nil {
		return tapsync.Config{}, fmt.Errorf("control: config %d of %s: %w", c.Version, device, err)
	}
	return c, nil
}

// Command makes a command of kind for device, valid for ttl from now,
// signed and stored under a fresh id. The Downlink sends it once the
// device is online.
func (is *Issuer) Command(ctx context.Context, device, kind string, ttl time.Duration) (tapsync.Command, error) {
	if !validKind(kind) || ttl < MinTTL || ttl > MaxTTL {
		return tapsync.Command{}, fmt.Errorf("%w: kind %q, ttl %s (kinds resync, selftest, diagnostics; ttl %s..%s)",
			ErrKind, kind, ttl, MinTTL, MaxTTL)
	}
	if err := is.registered(ctx, device, ""); err != nil {
		return tapsync.Command{}, err
	}
	now := is.now()
	c := tapsync.Command{V: tapsync.V, Device: device, ID: "c-" + rand.Text(), Kind: kind, Issued: now, Expires: now.Add(ttl)}
	signed, err := tapsync.Sign(is.Key, c)
	if err == nil {
		err = is.Store.AddCommand(ctx, store.Command{ID: c.ID, Device: device, Kind: kind, Signed: signed, Issued: c.Issued, Expires: c.Expires})
	}
	if err != nil {
		return tapsync.Command{}, fmt.Errorf("control: command %s for %s: %w", kind, device, err)
	}
	return c, nil
}

// registered checks that device is in the registry, not revoked, and, if
// role is given, of that role.
func (is *Issuer) registered(ctx context.Context, device, role string) error {
	d, err := is.Store.Device(ctx, device)
	switch {
	case err != nil:
		return fmt.Errorf("control: %s (register it with its role first): %w", device, err)
	case d.Revoked:
		return fmt.Errorf("%w: %s", ErrRevoked, device)
	case role != "" && d.Role != role:
		return fmt.Errorf("%w: rules for a %s, device %s is registered as %q", ErrRole, role, device, d.Role)
	}
	return nil
}

func (is *Issuer) now() time.Time {
	if is.Now == nil {
		return time.Now().UTC().Truncate(time.Second)
	}
	return is.Now()
}

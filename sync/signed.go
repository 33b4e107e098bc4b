package sync

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"karta/offline/bundle"
)

// Sign wraps msg (a Config or a Command) in a Signed made with key, and
// encodes it for the wire.
func Sign(key *bundle.SigningKey, msg any) ([]byte, error) {
	payload, err := json.Marshal(msg)
	if err != nil {
		return nil, fmt.Errorf("sync: sign: %w", err)
	}
	return Encode(Signed{V: V, KeyID: key.ID(), Payload: payload, Sig: key.Sign(payload)})
}

// open decodes a Signed, checks its signature against ring, and decodes
// the payload strictly into v. A signature that does not hold wraps both
// ErrPayload and the bundle error (ErrUnknownKey, ErrBadSignature).
func open(b []byte, ring bundle.KeyRing, v any) error {
	var s Signed
	if err := decode(b, &s); err != nil {
		return err
	}
	if err := version(s.V); err != nil {
		return err
	}
	if err := ring.Verify(s.KeyID, s.Payload, s.Sig); err != nil {
		return fmt.Errorf("%w: %w", ErrPayload, err)
	}
	return decode(s.Payload, v)
}

// DecodeConfig verifies and decodes a config retained on device's config
// topic.
func DecodeConfig(device string, b []byte, ring bundle.KeyRing) (Config, error) {
	var c Config
	if err := open(b, ring, &c); err != nil {
		return Config{}, err
	}
	if err := version(c.V); err != nil {
		return Config{}, err
	}
	if err := sameDevice(device, c.Device); err != nil {
		return Config{}, err
	}
	if c.Version == 0 || c.Issued.IsZero() || len(c.Rules) > 64<<10 {
		return Config{}, bad("config of %s: no version, no issue time, or rules over 64 KiB", device)
	}
	return c, nil
}

// DecodeCommand verifies and decodes a command on device's cmd topic, and
// refuses one that expired before now (a replayed old command).
func DecodeCommand(device string, b []byte, ring bundle.KeyRing, now time.Time) (Command, error) {
	var c Command
	if err := open(b, ring, &c); err != nil {
		return Command{}, err
	}
	if err := version(c.V); err != nil {
		return Command{}, err
	}
	if err := sameDevice(device, c.Device); err != nil {
		return Command{}, err
	}
	switch {
	case c.ID == "" || len(c.ID) > 64:
		return Command{}, bad("command without an id, or an id over 64 bytes")
	case !slices.Contains([]string{CmdResync, CmdSelftest, CmdDiagnostics}, c.Kind):
		return Command{}, bad("command %s: unknown kind %q", c.ID, c.Kind)
	case !c.Expires.After(c.Issued):
		return Command{}, bad("command %s: expires before it was issued", c.ID)
	case now.After(c.Expires):
		return Command{}, bad("command %s expired at %s", c.ID, c.Expires.UTC().Format(time.RFC3339))
	}
	return c, nil
}

// DecodeListOffer decodes the offer retained on list's manifest topic. It
// checks the container only; each manifest is bundle.VerifyManifest's.
func DecodeListOffer(list string, b []byte) (ListOffer, error) {
	var o ListOffer
	if err := decode(b, &o); err != nil {
		return ListOffer{}, err
	}
	if err := version(o.V); err != nil {
		return ListOffer{}, err
	}
	switch {
	case o.List != list:
		return ListOffer{}, bad("offer of list %q on the topic of %q", o.List, list)
	case len(o.Manifests) == 0 || len(o.Manifests) > MaxOffered:
		return ListOffer{}, bad("offer of %s with %d manifests (1..%d)", list, len(o.Manifests), MaxOffered)
	}
	return o, nil
}

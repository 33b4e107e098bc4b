package agent

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync/atomic"

	"github.com/BurntSushi/toml"

	"karta/internal/atomicfile"
	"karta/offline/bundle"
	tapsync "karta/sync"
)

// RemoteConfig is the device's config from central: rules (the keys of a
// config file's [rules] table) that replace the file's rules while the
// device runs. The newest config applied is kept, signed as it came, in
// Path, and applied again at the next start: its signature is checked
// again then, so a changed file is refused. Central may change the lists,
// the policy, fares and schedules, but not the role: readers and relays
// are wired for it.
type RemoteConfig struct {
	Path   string // {data_dir}/config.signed
	Device *Device
	Log    *slog.Logger

	version atomic.Uint64
}

var _ tapsync.ConfigApplier = (*RemoteConfig)(nil)

// Version is the version of the config from central the device runs; 0:
// the config file's rules.
func (r *RemoteConfig) Version() uint64 { return r.version.Load() }

// Apply compiles c's rules, keeps signed, and swaps the rules in. A config
// that does not compile changes nothing.
func (r *RemoteConfig) Apply(c tapsync.Config, signed []byte) error {
	e, err := r.compile(c)
	if err != nil {
		return err
	}
	if err := atomicfile.WriteBytes(r.Path, 0o600, signed); err != nil {
		return fmt.Errorf("agent: keep config v%d: %w", c.Version, err)
	}
	r.swap(c.Version, e)
	return nil
}

// Load applies the config kept by an earlier Apply, if there is one.
func (r *RemoteConfig) Load(device string, ring bundle.KeyRing) error {
	b, err := os.ReadFile(r.Path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("agent: config from central: %w", err)
	}
	c, err := tapsync.DecodeConfig(device, b, ring)
	if err != nil {
		return fmt.Errorf("agent: config from central in %s: %w", r.Path, err)
	}
	e, err := r.compile(c)
	if err != nil {
		return err
	}
	r.swap(c.Version, e)
	return nil
}

func (r *RemoteConfig) compile(c tapsync.Config) (*Engine, error) {
	rules, err := ParseRules(c.Rules)
	if err != nil {
		return nil, fmt.Errorf("agent: config v%d: %w", c.Version, err)
	}
	e, err := rules.Compile()
	if err != nil {
		return nil, fmt.Errorf("agent: config v%d: %w", c.Version, err)
	}
	if role := r.Device.CurrentEngine().Role(); e.Role() != role {
		return nil, fmt.Errorf("agent: config v%d: role %s, the device is a %s", c.Version, e.Role(), role)
	}
	for _, l := range e.Lists() {
		if !tapsync.ValidListName(l) {
			return nil, fmt.Errorf("agent: config v%d: %q cannot be a list's name (1-64 of a-z, 0-9, '.', '_', '-')", c.Version, l)
		}
	}
	return e, nil
}

func (r *RemoteConfig) swap(version uint64, e *Engine) {
	r.Device.SetEngine(e)
	r.version.Store(version)
	r.Log.Info("agent: rules from central", "config", version, "role", e.Role(), "lists", strings.Join(e.Lists(), ","))
}

// ParseRules reads rules written as the keys of a config file's [rules]
// table, without the header; unknown keys are refused.
func ParseRules(text string) (Rules, error) {
	var r Rules
	md, err := toml.Decode(text, &r)
	if err != nil {
		return Rules{}, fmt.Errorf("rules: %w", err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return Rules{}, fmt.Errorf("rules: unknown keys %v", undecoded)
	}
	return r, nil
}

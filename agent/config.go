package agent

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/BurntSushi/toml"
)

// Config is a device's configuration file (TOML): who it is, where its
// stores and keys live, its readers and hardware, and its rules.
type Config struct {
	DeviceID       string         `toml:"device_id"`
	DataDir        string         `toml:"data_dir"`  // lists.db, journal.db, inbox/
	TokenKey       string         `toml:"token_key"` // file of the token key
	ListKeys       []string       `toml:"list_keys"` // files of the pinned list signing public keys
	MetricsAddr    string         `toml:"metrics_addr"`
	LogLevel       string         `toml:"log_level"` // debug, info, warn, error
	Clock          string         `toml:"clock"`     // "system" (NTP state) or "trusted"
	JournalMaxTaps int            `toml:"journal_max_taps"`
	Sync           SyncConfig     `toml:"sync"`
	Readers        []ReaderConfig `toml:"readers"`
	Hardware       HardwareConfig `toml:"hardware"`
	Rules          Rules          `toml:"rules"`
}

// SyncConfig is the link to central; without a broker the device runs
// standalone (lists from the inbox, taps kept until a link exists).
type SyncConfig struct {
	Broker       string `toml:"broker"` // tcp://host:1883 or ssl://host:8883
	Username     string `toml:"username"`
	PasswordFile string `toml:"password_file"`
	CA           string `toml:"ca"`   // the broker's CA (ssl://)
	Cert         string `toml:"cert"` // the device's client certificate (mTLS)
	Key          string `toml:"key"`
	// MaxBackoff caps the wait between reconnects (doubling from 1s, with
	// jitter); 0: 1m. Shorter drains a backlog sooner after an outage, at
	// the cost of more connection attempts while the broker is away.
	MaxBackoff Duration `toml:"max_backoff"`
}

// ReaderConfig names one reader and its driver's settings.
type ReaderConfig struct {
	Name      string   `toml:"name"`
	Driver    string   `toml:"driver"`    // "pcsc", "sim" (virtual cards); "pn532"
	Direction string   `toml:"direction"` // turnstiles: "in" or "out"
	Retry     Duration `toml:"retry"`     // pause before listening again after the reader failed; 0: 2s
	// pcsc
	Reader      string `toml:"reader"`      // PC/SC reader name or prefix; "": the first
	Share       string `toml:"share"`       // "shared" (default) or "exclusive"
	Protocol    string `toml:"protocol"`    // "any" (default), "t0", "t1"
	Disposition string `toml:"disposition"` // on close: "leave" (default), "reset", "unpower"
	// pn532
	Path    string   `toml:"path"`    // serial device, e.g. /dev/serial/by-id/...
	Baud    int      `toml:"baud"`    // 0: 115200
	Timeout Duration `toml:"timeout"` // per card exchange; 0: 1s
	Cards   []string `toml:"cards"`   // sim: virtual card names, presented in turn
	Every   Duration `toml:"every"`   // sim: time between taps
	Count   int      `toml:"count"`   // sim: taps before the reader stops; 0: forever
}

// HardwareConfig chooses and wires the outputs.
type HardwareConfig struct {
	Driver    string            `toml:"driver"` // "console", "gpio" or "none"
	Pins      map[string]string `toml:"pins"`   // gpio: green, red, amber, buzzer, relay, lcd_rs, lcd_e, lcd_d4..d7
	ActiveLow bool              `toml:"active_low"`
	GatePulse Duration          `toml:"gate_pulse"`
	Display   DisplayConfig     `toml:"display"`
}

// DisplayConfig is a character LCD on GPIO.
type DisplayConfig struct {
	Cols    int    `toml:"cols"`
	Rows    int    `toml:"rows"`
	Charset string `toml:"charset"` // "translit" or "cyrillic-rom"
}

// LoadConfig reads and checks a config file. Relative paths in it are
// taken from the file's directory.
func LoadConfig(path string) (*Config, error) {
	var c Config
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		return nil, fmt.Errorf("agent: config %s: %w", path, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return nil, fmt.Errorf("agent: config %s: unknown keys %v", path, undecoded)
	}
	c.resolve(filepath.Dir(path))
	if err := c.check(); err != nil {
		return nil, fmt.Errorf("agent: config %s: %w", path, err)
	}
	return &c, nil
}

func (c *Config) resolve(dir string) {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(dir, p)
	}
	c.DataDir, c.TokenKey = abs(c.DataDir), abs(c.TokenKey)
	c.Sync.PasswordFile, c.Sync.CA, c.Sync.Cert, c.Sync.Key = abs(c.Sync.PasswordFile), abs(c.Sync.CA), abs(c.Sync.Cert), abs(c.Sync.Key)
	for i, k := range c.ListKeys {
		c.ListKeys[i] = abs(k)
	}
	if c.Clock == "" {
		c.Clock = "system"
	}
	if c.Hardware.Driver == "" {
		c.Hardware.Driver = "console"
	}
}

func (c *Config) check() error {
	var errs []error
	need := func(ok bool, msg string) {
		if !ok {
			errs = append(errs, errors.New(msg))
		}
	}
	need(c.DeviceID != "", "device_id is required")
	need(c.DataDir != "", "data_dir is required")
	need(c.TokenKey != "", "token_key names the token key file")
	need(len(c.ListKeys) > 0, "list_keys names at least one list signing public key")
	need(len(c.Readers) > 0, "at least one [[readers]]")
	need(slices.Contains([]string{"system", "trusted"}, c.Clock), "clock is system or trusted")
	need(slices.Contains([]string{"console", "gpio", "none"}, c.Hardware.Driver), "hardware.driver is console, gpio or none")
	for _, r := range c.Readers {
		need(r.Name != "" && r.Driver != "", "every reader has a name and a driver")
		need(c.Rules.Role != RoleTurnstile || r.Direction == "in" || r.Direction == "out",
			"a turnstile's readers have direction in or out")
	}
	if _, err := c.Rules.Compile(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// Paths of the device's files.
func (c *Config) ListsPath() string   { return filepath.Join(c.DataDir, "lists.db") }
func (c *Config) JournalPath() string { return filepath.Join(c.DataDir, "journal.db") }
func (c *Config) InboxDir() string    { return filepath.Join(c.DataDir, "inbox") }

// RemoteConfigPath keeps the config from central (RemoteConfig);
// DownlinkDir the list versions being fetched and the commands run.
func (c *Config) RemoteConfigPath() string { return filepath.Join(c.DataDir, "config.signed") }
func (c *Config) DownlinkDir() string      { return filepath.Join(c.DataDir, "downlink") }

// MkDirs creates the data directories.
func (c *Config) MkDirs() error {
	for _, d := range []string{c.DataDir, c.InboxDir()} {
		if err := os.MkdirAll(d, 0o750); err != nil {
			return fmt.Errorf("agent: %w", err)
		}
	}
	return nil
}

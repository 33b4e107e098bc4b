package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/BurntSushi/toml"

	"karta/agent"
	"karta/central/api"
	"karta/internal/atomicfile"
)

// readTemplate reads the device model's agent.toml: its readers, hardware,
// policy and rules. Identity, keys, storage and the link are provision's
// to set; the template's role and school, if it names them, must be the
// device's.
func readTemplate(path string, reg api.Registration) (*agent.Config, error) {
	var c agent.Config
	md, err := toml.DecodeFile(path, &c)
	if err != nil {
		return nil, fmt.Errorf("--template: %w", err)
	}
	if u := md.Undecoded(); len(u) > 0 {
		return nil, fmt.Errorf("--template %s: unknown keys %v", path, u)
	}
	if c.Rules.Role != "" && c.Rules.Role != reg.Role {
		return nil, fmt.Errorf("--template %s is for a %s, not a %s", path, c.Rules.Role, reg.Role)
	}
	if s := c.Rules.School.School; s != "" && s != reg.School {
		return nil, fmt.Errorf("--template %s is for school %s, not %q", path, s, reg.School)
	}
	return &c, nil
}

// deviceFiles are the names, inside the device directory, of what the
// config points at.
type deviceFiles struct {
	listKey  string // list-public-….pub
	password bool   // mqtt.password
	cert     bool   // device.pem, device.key, ca.pem
}

// deviceConfig is the template made this device's: paths relative to the
// directory, the link to the broker, the rules' role, lists and school.
func deviceConfig(tmpl agent.Config, reg api.Registration, lists []string, broker string, files deviceFiles) agent.Config {
	c := tmpl
	c.DeviceID, c.DataDir, c.TokenKey, c.ListKeys = reg.ID, "data", "token.key", []string{files.listKey}
	c.Sync = agent.SyncConfig{Broker: broker, MaxBackoff: tmpl.Sync.MaxBackoff}
	if files.password {
		c.Sync.Username, c.Sync.PasswordFile = reg.ID, "mqtt.password"
	}
	if files.cert {
		c.Sync.CA, c.Sync.Cert, c.Sync.Key = "ca.pem", "device.pem", "device.key"
	}
	c.Rules.Role, c.Rules.Lists = reg.Role, lists
	if reg.Role != agent.RoleBus {
		c.Rules.School.School = reg.School
	}
	return c
}

// encodeConfig is the config file's text, with a header saying where it
// came from.
func encodeConfig(c agent.Config, template string) ([]byte, error) {
	var b bytes.Buffer
	fmt.Fprintf(&b, "# karta-agent config of %s, written by karta provision from %s.\n# Paths are relative to this file's directory.\n\n",
		c.DeviceID, filepath.Base(template))
	if err := toml.NewEncoder(&b).Encode(c); err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return b.Bytes(), nil
}

// checkConfig checks text as the agent will read it, from a scratch
// directory: a template that cannot make a valid config is refused before
// anything is written.
func checkConfig(text []byte) error {
	dir, err := os.MkdirTemp("", "karta-provision-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "agent.toml")
	if err := os.WriteFile(path, text, 0o600); err != nil {
		return err
	}
	_, err = agent.LoadConfig(path)
	return err
}

// writeConfig writes agent.toml whole or not at all.
func writeConfig(path string, text []byte) error {
	return atomicfile.WriteBytes(path, 0o640, text)
}

// copyFile copies a key file into the device directory with mode perm.
func copyFile(from, to string, perm os.FileMode) error {
	src, err := os.Open(from)
	if err != nil {
		return err
	}
	defer src.Close()
	return atomicfile.Write(to, perm, func(w io.Writer) error {
		_, err := io.Copy(w, src)
		return err
	})
}

package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"karta/agent"
	"karta/internal/atomicfile"
)

// The first steps of karta provision: the directory, the registration,
// the identity and the config.

func (p *provisioning) start(context.Context) (string, error) {
	if err := os.MkdirAll(p.dir.dataDir(), 0o750); err != nil {
		return "", err
	}
	r := record{ID: p.f.reg.ID, Role: p.f.reg.Role, Route: p.f.reg.Route, School: p.f.reg.School, ReplaceFrom: p.f.replaceFrom, Started: time.Now().UTC()}
	if p.dir.resumed {
		if old, err := readRecord(p.dir.path); err == nil {
			r.Started = old.Started
		}
	}
	return p.f.dir, p.dir.writeRecord(r)
}

func (p *provisioning) register(ctx context.Context) (string, error) {
	reg, err := p.central.register(ctx, p.f.reg)
	if err != nil {
		return "", err
	}
	p.reg = reg
	state := "registered"
	switch {
	case p.f.reg.Replace && p.old != nil:
		state = "registered as the replacement"
	case !reg.New:
		state = "registered (its registry entry taken over)"
	}
	where := "route " + reg.Route
	if reg.Role != agent.RoleBus {
		where = "school " + reg.School
	}
	return fmt.Sprintf("%s with central: %s, %s, lists %v", state, reg.Role, where, reg.Lists), nil
}

// identity writes how the device logs in to the broker: a certificate
// from the fleet CA, the embedded broker's password, or both.
func (p *provisioning) identity(context.Context) (string, error) {
	switch {
	case p.ca == nil && p.reg.BrokerPassword == "":
		return "", fmt.Errorf("central runs an external broker (it gave no password): give --ca-dir to issue the device a certificate")
	case p.ca == nil:
		return "broker password from central in mqtt.password (0600)", writeSecret(p.dir.join("mqtt.password"), p.reg.BrokerPassword)
	}
	cert, err := p.ca.Client(p.reg.ID, 5)
	if err != nil {
		return "", err
	}
	if err := cert.Save(p.dir.path, "device"); err != nil {
		return "", err
	}
	if err := copyFile(filepath.Join(p.f.caDir, "ca.pem"), p.dir.join("ca.pem"), 0o644); err != nil {
		return "", err
	}
	detail := fmt.Sprintf("new key pair, certificate CN=%s from the fleet CA, valid to %s (device.key 0600)", p.reg.ID, cert.Cert.NotAfter.Format(time.DateOnly))
	if p.reg.BrokerPassword != "" {
		detail += "; broker password in mqtt.password"
		return detail, writeSecret(p.dir.join("mqtt.password"), p.reg.BrokerPassword)
	}
	return detail, nil
}

func writeSecret(path, s string) error {
	return atomicfile.WriteBytes(path, 0o600, []byte(s+"\n"))
}

// configText is the device's agent.toml and, with check, proof the agent
// reads it.
func (p *provisioning) configText(lists []string, check bool) ([]byte, error) {
	files := deviceFiles{listKey: filepath.Base(p.f.listKey), cert: p.ca != nil,
		password: p.reg.BrokerPassword != "" || p.ca == nil}
	c := deviceConfig(*p.tmpl, p.f.reg, lists, p.f.broker, files)
	text, err := encodeConfig(c, p.f.template)
	if err == nil && check {
		if err = checkConfig(text); err != nil {
			err = fmt.Errorf("--template %s does not make a valid config: %w", p.f.template, err)
		}
	}
	return text, err
}

func (p *provisioning) writeConfig(context.Context) (string, error) {
	text, err := p.configText(p.reg.Lists, true)
	if err != nil {
		return "", err
	}
	if err := copyFile(p.f.tokenKey, p.dir.join("token.key"), 0o600); err != nil {
		return "", err
	}
	if err := copyFile(p.f.listKey, p.dir.join(filepath.Base(p.f.listKey)), 0o644); err != nil {
		return "", err
	}
	if err := writeConfig(p.dir.join("agent.toml"), text); err != nil {
		return "", err
	}
	cfg, err := agent.LoadConfig(p.dir.join("agent.toml"))
	if err != nil {
		return "", err
	}
	p.cfg = cfg
	return fmt.Sprintf("agent.toml (broker %s, %d reader(s), hardware %s), token key and list key %v copied",
		p.f.broker, len(cfg.Readers), cfg.Hardware.Driver, p.ring.IDs()), nil
}

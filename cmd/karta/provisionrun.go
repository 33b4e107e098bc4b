package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"karta/agent"
	"karta/central/api"
	"karta/central/pki"
	"karta/internal/atomicfile"
	"karta/offline/bundle"
	"karta/offline/token"
)

// provisioning is one run of karta provision: what was checked before
// anything was written, and what the steps learn on the way.
type provisioning struct {
	f        provisionFlags
	out      io.Writer
	central  *centralClient
	dir      deviceDir
	old      *oldDevice // with --replace-from
	tmpl     *agent.Config
	ring     bundle.KeyRing
	ca       *pki.Cert // with --ca-dir
	agentBin string

	reg     api.Registered
	cfg     *agent.Config // as written
	testSeq uint64
}

// newProvisioning checks everything it can before the first write: the
// old storage, the directory, the template, the keys, the CA, the agent.
func newProvisioning(f provisionFlags, out io.Writer) (*provisioning, error) {
	p := &provisioning{f: f, out: out}
	var err error
	if f.replaceFrom != "" {
		if p.old, err = readOldDevice(f.replaceFrom); err != nil {
			return nil, err
		}
		if p.f.reg.ID, err = p.old.resolveID(f.reg.ID); err != nil {
			return nil, err
		}
		p.f.reg.Replace = p.old.id == "" || p.old.id == p.f.reg.ID
	}
	if p.dir, err = openDeviceDir(f.dir, p.f.reg.ID); err != nil {
		return nil, err
	}
	p.f.reg.Replace = p.f.reg.Replace || p.dir.resumed // a re-run takes over what the first run registered
	if p.central, err = newCentralClient(f.central, f.tokenFile); err != nil {
		return nil, err
	}
	if p.tmpl, err = readTemplate(f.template, p.f.reg); err != nil {
		return nil, err
	}
	if err := p.loadKeys(); err != nil {
		return nil, err
	}
	if p.agentBin, err = findAgent(f.agentBin); err != nil {
		return nil, err
	}
	// the config as it will be, checked now: a bad template fails here
	_, err = p.configText(api.DeviceLists(p.f.reg.Role, p.f.reg.School), true)
	return p, err
}

func (p *provisioning) loadKeys() error {
	if _, err := token.LoadKey(p.f.tokenKey); err != nil {
		return fmt.Errorf("--token-key: %w", err)
	}
	ring, err := bundle.LoadKeyRing(p.f.listKey)
	if err != nil {
		return fmt.Errorf("--list-key: %w", err)
	}
	p.ring = ring
	if p.f.caDir != "" {
		if p.ca, err = pki.Load(p.f.caDir, "ca"); err != nil {
			return fmt.Errorf("--ca-dir: %w", err)
		}
	}
	return nil
}

// findAgent is --agent-bin, else karta-agent beside this program, else on
// $PATH.
func findAgent(flag string) (string, error) {
	if flag != "" {
		if _, err := os.Stat(flag); err != nil {
			return "", fmt.Errorf("--agent-bin: %w", err)
		}
		return flag, nil
	}
	if self, err := os.Executable(); err == nil {
		beside := filepath.Join(filepath.Dir(self), "karta-agent")
		if _, err := os.Stat(beside); err == nil {
			return beside, nil
		}
	}
	path, err := exec.LookPath("karta-agent")
	if err != nil {
		return "", fmt.Errorf("karta-agent is neither beside karta nor on $PATH: give --agent-bin")
	}
	return path, nil
}

// step is one line of the report.
type step struct {
	name string
	do   func(ctx context.Context) (string, error)
}

// run runs the steps in order, a ✓ line each; the first failure stops it.
func (p *provisioning) run(ctx context.Context) error {
	what := "new device"
	if p.old != nil {
		what = "replacement of " + p.old.dir
	}
	if p.dir.resumed {
		what += ", resuming an unfinished provisioning"
	}
	fmt.Fprintf(p.out, "provisioning %s (%s) in %s: %s\n", p.f.reg.ID, p.f.reg.Role, p.f.dir, what)
	steps := []step{
		{"directory", p.start},
		{"register", p.register},
		{"identity", p.identity},
		{"config", p.writeConfig},
		{"lists", p.installLists},
		{"journal", p.carryJournal},
		{"selftest", p.selftest},
		{"test tap", p.testTap},
		{"old id", p.retireOld},
	}
	for _, s := range steps {
		detail, err := s.do(ctx)
		if err != nil {
			return fmt.Errorf("%-9s %w", s.name, err)
		}
		if detail != "" {
			fmt.Fprintf(p.out, "✓ %-9s %s\n", s.name, detail)
		}
	}
	return p.finish()
}

// cleanUp, after a failure, takes the directory back to where it started
// unless it holds a journal.
func (p *provisioning) cleanUp() {
	msg, err := p.dir.cleanUp()
	if err != nil {
		msg = fmt.Sprintf("%s could not be cleaned up: %v", p.dir.path, err)
	}
	fmt.Fprintln(p.out, "  "+msg)
}

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

func (p *provisioning) selftest(ctx context.Context) (string, error) {
	out, err := p.agent(ctx, "selftest", "--config", p.dir.join("agent.toml"))
	fmt.Fprint(p.out, indent(out))
	if err != nil {
		return "", fmt.Errorf("karta-agent selftest failed (above): %w", err)
	}
	return "karta-agent selftest passed", nil
}

// agent runs karta-agent and returns what it printed.
func (p *provisioning) agent(ctx context.Context, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, p.agentBin, args...)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func (p *provisioning) retireOld(ctx context.Context) (string, error) {
	if p.old == nil || p.old.id == "" || p.old.id == p.reg.ID {
		return "", nil
	}
	d, err := p.central.decommission(ctx, p.old.id)
	if err != nil {
		return "", fmt.Errorf("decommissioning %s: %w", p.old.id, err)
	}
	return fmt.Sprintf("%s decommissioned: %s", d.ID, d.Note), nil
}

func (p *provisioning) finish() error {
	r, err := readRecord(p.dir.path)
	if err != nil {
		return err
	}
	r.Finished = time.Now().UTC()
	if err := p.dir.writeRecord(r); err != nil {
		return err
	}
	fmt.Fprintf(p.out, "✓ done      %s is ready: karta-agent run --config %s\n", p.reg.ID, p.dir.join("agent.toml"))
	return nil
}

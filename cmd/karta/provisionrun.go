package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"

	"karta/agent"
	"karta/central/api"
	"karta/central/pki"
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

package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"

	"karta/internal/progress"
	"karta/offline"
	"karta/offline/bundle"
)

// installLists downloads each list the device consults, verifies it
// against the pinned key and installs it — bundle.Open and Lists.Install,
// karta-agent install's path. A list that does not verify is not
// installed, and the run stops.
func (p *provisioning) installLists(ctx context.Context) (string, error) {
	lists, err := offline.OpenLists(p.cfg.ListsPath(), offline.ListsOptions{})
	if err != nil {
		return "", err
	}
	defer lists.Close()
	var done []string
	for _, name := range p.reg.Lists {
		d, err := p.installList(ctx, lists, name)
		if err != nil {
			return "", err
		}
		done = append(done, d)
	}
	return strings.Join(done, "; "), nil
}

func (p *provisioning) installList(ctx context.Context, lists *offline.Lists, name string) (string, error) {
	b, err := p.central.snapshot(ctx, name, p.out)
	if err != nil {
		return "", fmt.Errorf("list %s: %w", name, err)
	}
	v, err := bundle.Open(b, p.ring, time.Now())
	if err != nil {
		return "", fmt.Errorf("list %s from central does not verify against the pinned key (--list-key %v), nothing installed: %w", name, p.ring.IDs(), err)
	}
	ver := v.Version()
	if ver.List != name {
		return "", fmt.Errorf("central answered list %s for %s: nothing installed", ver.List, name)
	}
	if st, ok := lists.State(name); ok && st.Version >= ver.Version {
		return fmt.Sprintf("%s v%d installed already", name, st.Version), nil
	}
	bar := progress.New(p.out, "install "+name, int64(max(ver.Ops, 1)))
	err = lists.Install(ver, v, func(n int) { bar.Update(int64(n), n) })
	bar.Clear()
	if err != nil {
		return "", fmt.Errorf("list %s: %w", name, err)
	}
	return fmt.Sprintf("%s v%d (%d entries, signed by %s, expires %s) installed", name, ver.Version, ver.Ops,
		v.Manifest().KeyID, ver.Expires.Local().Format(time.DateTime)), nil
}

// carryJournal puts the old device's journal in the new one's place.
func (p *provisioning) carryJournal(context.Context) (string, error) {
	if p.old == nil || p.old.journal == "" {
		return "", nil
	}
	if p.dir.hasJournal() {
		return "carried over by the first run, kept", nil
	}
	if err := p.old.copyJournal(p.cfg.JournalPath()); err != nil {
		return "", err
	}
	if err := p.old.checkCopy(p.cfg.JournalPath()); err != nil {
		return "", fmt.Errorf("the copied journal: %w", err)
	}
	return fmt.Sprintf("carried over from %s: %s; the device goes on from there", p.old.dir, p.old.describe()), nil
}

var testSeq = regexp.MustCompile(`test tap: seq (\d+)`)

// testTap runs karta-agent testtap — one tap, sent, acked — then finds
// the tap at central through the API.
func (p *provisioning) testTap(ctx context.Context) (string, error) {
	if p.f.testTap == "none" {
		return "skipped (--test-tap none): the device has not proven its link yet", nil
	}
	if p.f.testTap == "reader" {
		fmt.Fprintln(p.out, "  tap a card on the device's reader…")
	}
	out, err := p.agent(ctx, "testtap", "--config", p.dir.join("agent.toml"), "--card", p.f.testTap, "--timeout", p.f.timeout.String())
	m := testSeq.FindStringSubmatch(out)
	if err != nil || m == nil {
		fmt.Fprint(p.out, indent(lastLines(out, 4)))
		return "", fmt.Errorf("karta-agent testtap failed (above): %v", err)
	}
	seq, _ := strconv.ParseUint(m[1], 10, 64)
	t, err := p.waitStored(ctx, seq)
	if err != nil {
		return "", err
	}
	verdict := "allowed"
	if !t.Allowed {
		verdict = "denied"
	}
	return fmt.Sprintf("seq %d from reader %s (%s: %s) stored at central", seq, t.Reader, verdict, t.Reason), nil
}

// waitStored polls central's taps of the device until seq is there.
func (p *provisioning) waitStored(ctx context.Context, seq uint64) (storedTap, error) {
	ctx, cancel := context.WithTimeout(ctx, p.f.timeout)
	defer cancel()
	for {
		ts, err := p.central.taps(ctx, p.reg.ID, 100)
		var ae *apiError
		if errors.As(err, &ae) {
			return storedTap{}, err
		}
		for _, t := range ts {
			if t.Seq == seq {
				return t, nil
			}
		}
		select {
		case <-ctx.Done():
			return storedTap{}, fmt.Errorf("central acked seq %d but its API does not show it (last error: %v)", seq, err)
		case <-time.After(200 * time.Millisecond):
		}
	}
}

func indent(s string) string {
	s = strings.TrimRight(s, "\n")
	if s == "" {
		return ""
	}
	return "  " + strings.ReplaceAll(s, "\n", "\n  ") + "\n"
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
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

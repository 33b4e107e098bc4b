package sync

import (
	"context"
	"fmt"
	"unicode/utf8"
)

// control is the goroutine that applies config from central and runs
// commands.
type control struct {
	d   *Downlink
	l   *Link
	ran *ranCommands
}

func (c *control) run(ctx context.Context) {
	c.ran = loadRan(c.d.Dir, c.d.log)
	for {
		select {
		case <-ctx.Done():
			return
		case b := <-c.d.configs:
			c.config(b)
		case m := <-c.d.cmds:
			c.command(ctx, m.payload)
		}
	}
}

// config applies a config of a version above the running one.
func (c *control) config(b []byte) {
	if c.d.Config == nil {
		return
	}
	cfg, err := DecodeConfig(c.l.Device, b, c.d.Ring)
	if err != nil {
		c.refuseConfig(0, err)
		return
	}
	running := c.d.Config.Version()
	if cfg.Version <= running {
		c.d.log.Debug("sync: config not newer than the running one", "offered", cfg.Version, "running", running)
		return
	}
	if err := c.d.Config.Apply(cfg, b); err != nil {
		c.refuseConfig(cfg.Version, err)
		return
	}
	c.d.log.Info("sync: config applied", "version", cfg.Version, "was", running)
	c.d.mu.Lock()
	c.d.configErr = ""
	c.d.mu.Unlock()
	c.l.relistNow() // the rules may consult other lists now
	c.l.statusNow()
}

func (c *control) refuseConfig(version uint64, err error) {
	c.d.log.Warn("sync: config refused; the running rules stay", "version", version, "err", err)
	c.d.mu.Lock()
	c.d.configErr = clip(fmt.Sprintf("v%d: %v", version, err))
	c.d.mu.Unlock()
	c.l.statusNow()
}

// command runs a command once, by its id, and reports it in the status.
func (c *control) command(ctx context.Context, b []byte) {
	cmd, err := DecodeCommand(c.l.Device, b, c.d.Ring, c.d.now())
	if err != nil {
		c.d.log.Warn("sync: command refused", "err", err)
		return
	}
	if c.ran.has(cmd.ID) {
		c.d.log.Info("sync: command already run; not again", "id", cmd.ID, "kind", cmd.Kind)
		return
	}
	if err := c.ran.add(cmd, c.d.now()); err != nil {
		c.d.log.Error("sync: cannot remember the command; not run", "id", cmd.ID, "err", err)
		return
	}
	ok, detail := c.do(ctx, cmd.Kind)
	c.d.log.Info("sync: command run", "id", cmd.ID, "kind", cmd.Kind, "ok", ok)
	c.d.mu.Lock()
	c.d.lastCmd = &CommandResult{ID: cmd.ID, Kind: cmd.Kind, OK: ok, Detail: clip(detail), At: c.d.now()}
	c.d.mu.Unlock()
	c.l.statusNow()
}

func (c *control) do(ctx context.Context, kind string) (bool, string) {
	switch kind {
	case CmdResync:
		c.l.resyncNow()
		return true, "sending every unacked tap again from the first; fetching the list offers again"
	case CmdSelftest:
		if c.d.Selftest == nil {
			return false, "this device has no selftest to run"
		}
		return c.d.Selftest(ctx)
	default: // CmdDiagnostics; DecodeCommand admits no other kind
		return true, c.l.diagnostics()
	}
}

// clip keeps s within MaxDetail bytes, cut at a character.
func clip(s string) string {
	if len(s) <= MaxDetail {
		return s
	}
	s = s[:MaxDetail-len("…")]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

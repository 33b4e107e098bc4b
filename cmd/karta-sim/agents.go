package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// agentList is --agent, given once per device.
type agentList []string

func (a *agentList) String() string     { return strings.Join(*a, ",") }
func (a *agentList) Set(v string) error { *a = append(*a, v); return nil }

// runAgents is the fleet of real devices: one karta-agent process per
// config (make run's bus validator, turnstile and canteen till, their
// readers virtual). What they show (lights, beeps, display) comes to
// stdout as it happens; each one's log goes to agent.log beside its
// config. Ctrl-C stops them with SIGTERM, as systemd would. It returns 0
// when every agent ended well.
func runAgents(ctx context.Context, bin string, configs []string, stdout, stderr io.Writer) int {
	out := &lockedWriter{w: stdout}
	errs := make([]error, len(configs))
	var wg sync.WaitGroup
	for i, c := range configs {
		cmd, logf, err := agentCmd(ctx, bin, c, out)
		if err != nil {
			errs[i] = err
			continue
		}
		wg.Go(func() {
			defer logf.Close()
			errs[i] = cmd.Wait()
		})
	}
	wg.Wait()
	code := 0
	for i, err := range errs {
		if err != nil && ctx.Err() == nil {
			fmt.Fprintf(stderr, "karta-sim fleet: agent %s: %v (its log: %s)\n", configs[i], err, agentLog(configs[i]))
			code = 1
		}
	}
	return code
}

func agentCmd(ctx context.Context, bin, config string, stdout io.Writer) (*exec.Cmd, *os.File, error) {
	logf, err := os.Create(agentLog(config))
	if err != nil {
		return nil, nil, err
	}
	cmd := exec.CommandContext(ctx, bin, "run", "--config", config)
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
	cmd.WaitDelay = 15 * time.Second // then SIGKILL
	cmd.Stdout, cmd.Stderr = stdout, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, nil, err
	}
	return cmd, logf, nil
}

func agentLog(config string) string { return filepath.Join(filepath.Dir(config), "agent.log") }

// lockedWriter lets several processes' output share one writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// errNoAgentBin: --agent without a karta-agent to run.
var errNoAgentBin = errors.New("--agent-bin names no executable karta-agent")

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeAgent writes a script that stands in for karta-agent: it prints its
// config's name, logs to stderr, and then does what body says.
func fakeAgent(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "karta-agent")
	script := "#!/bin/sh\necho \"tapping with $3\"\necho \"log of $3\" >&2\n" + body + "\n"
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func agentConfigs(t *testing.T, names ...string) []string {
	t.Helper()
	var cs []string
	for _, n := range names {
		dir := filepath.Join(t.TempDir(), n)
		if err := os.MkdirAll(dir, 0o750); err != nil {
			t.Fatal(err)
		}
		cs = append(cs, filepath.Join(dir, "agent.toml"))
	}
	return cs
}

func TestFleetAgents(t *testing.T) {
	configs := agentConfigs(t, "bus-demo", "turnstile-demo", "canteen-demo")
	for _, tt := range []struct {
		name, body string
		code       int
		errWant    string
	}{
		{"all end well", "exit 0", 0, ""},
		{"one fails", `case "$3" in *turnstile*) exit 3;; esac`, 1, "turnstile-demo/agent.toml: exit status 3"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"fleet", "--agent-bin", fakeAgent(t, tt.body)}
			for _, c := range configs {
				args = append(args, "--agent", c)
			}
			var out, errOut bytes.Buffer
			if code := run(context.Background(), args, &out, &errOut); code != tt.code || !strings.Contains(errOut.String(), tt.errWant) {
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, tt.code, errOut.String())
			}
			for _, c := range configs {
				if !strings.Contains(out.String(), "tapping with "+c) {
					t.Errorf("stdout lacks the agent of %s:\n%s", c, out.String())
				}
				if log, _ := os.ReadFile(filepath.Join(filepath.Dir(c), "agent.log")); string(log) != "log of "+c+"\n" {
					t.Errorf("agent.log of %s: %q", c, log)
				}
			}
		})
	}
}

// TestFleetAgentsStop: Ctrl-C stops the agents with SIGTERM, and that is
// no failure.
func TestFleetAgentsStop(t *testing.T) {
	configs := agentConfigs(t, "bus-demo")
	bin := fakeAgent(t, `trap 'echo stopped; exit 0' TERM; while :; do sleep 0.05; done`)
	ctx, cancel := context.WithCancel(context.Background())
	var out, errOut lockedWriter
	var ob, eb bytes.Buffer
	out.w, errOut.w = &ob, &eb
	done := make(chan int)
	go func() { done <- run(ctx, []string{"fleet", "--agent-bin", bin, "--agent", configs[0]}, &out, &errOut) }()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(locked(&out, &ob), "tapping") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if code := <-done; code != 0 || !strings.Contains(locked(&out, &ob), "stopped") {
		t.Fatalf("exit %d; stdout %q; stderr %q", code, locked(&out, &ob), locked(&errOut, &eb))
	}
}

func locked(l *lockedWriter, b *bytes.Buffer) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return b.String()
}

func TestFleetAgentsNoBinary(t *testing.T) {
	var out, errOut bytes.Buffer
	code := run(context.Background(), []string{"fleet", "--agent-bin", "/nonexistent/karta-agent", "--agent", "x.toml"}, &out, &errOut)
	if code != 2 || !strings.Contains(errOut.String(), "--agent-bin") {
		t.Errorf("exit %d: %s", code, errOut.String())
	}
}

package main

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"karta/agent"
	tapsync "karta/sync"
)

// agentRun is what the link reports on and the downlink acts on: the
// running agent's parts.
type agentRun struct {
	cfg    *agent.Config
	dev    *agent.Device
	st     *stores
	k      keys
	inbox  *agent.Inbox
	remote *agent.RemoteConfig
	health *readerHealth
}

// downlink receives lists (installed through the inbox's one install
// path), config (applied by remote) and commands from central.
func (r *agentRun) downlink() *tapsync.Downlink {
	return &tapsync.Downlink{Ring: r.k.lists, Dir: r.cfg.DownlinkDir(), Lists: r.lists,
		Installed: r.st.lists, Install: r.inbox, Config: r.remote, Selftest: r.selftest}
}

// lists are the lists the running rules consult.
func (r *agentRun) lists() []string { return r.dev.CurrentEngine().Lists() }

// selftest is the selftest command's report: the checks of karta-agent
// selftest, made on the running agent's own stores and readers (the files
// are locked by it, the readers in its use).
func (r *agentRun) selftest(_ context.Context) (bool, string) {
	c := *r.cfg
	c.Rules.Lists = r.lists()
	lists := check{name: "lists", err: r.st.lists.Check(), info: listInfo(&c, r.st.lists)}
	js := r.st.journal.Stats()
	journal := check{name: "journal", err: r.st.journal.Check(),
		info: fmt.Sprintf("%d unsynced of %d, next seq %d, boot %d", js.Backlog, js.Capacity, js.NextSeq, js.Boot)}
	if journal.err == nil && js.Alarm {
		journal.err = fmt.Errorf("%d of %d unsynced taps: over 80 %%", js.Backlog, js.Capacity)
	}
	checks := []check{{name: "config", info: fmt.Sprintf("%s, %s, config from central v%d", c.DeviceID, r.dev.CurrentEngine().Role(), r.remote.Version())}}
	checks = append(checks, keyChecks(&c)...)
	checks = append(checks, lists, journal, r.health.check(), clockCheck(&c))
	var b strings.Builder
	return report(&b, checks) == 0, b.String()
}

// readerHealth is each reader's state as its goroutine last saw it: up
// while it listens, down from a failure until it listens again.
type readerHealth struct {
	mu    sync.Mutex
	names []string
	state map[string]*tapsync.Reader
}

func newReaderHealth(cfg *agent.Config) *readerHealth {
	h := &readerHealth{state: map[string]*tapsync.Reader{}}
	for _, rc := range cfg.Readers {
		h.names = append(h.names, rc.Name)
		h.state[rc.Name] = &tapsync.Reader{Name: rc.Name}
	}
	return h
}

func (h *readerHealth) set(name string, ok bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := h.state[name]
	if r == nil {
		r = &tapsync.Reader{Name: name}
		h.state[name], h.names = r, append(h.names, name)
	}
	r.OK = ok
	if !ok {
		r.Errors++
	}
}

func (h *readerHealth) list() []tapsync.Reader {
	h.mu.Lock()
	defer h.mu.Unlock()
	out := make([]tapsync.Reader, 0, len(h.names))
	for _, n := range h.names {
		out = append(out, *h.state[n])
	}
	return out
}

func (h *readerHealth) check() check {
	var parts []string
	var down []string
	for _, r := range h.list() {
		state := "listening"
		if !r.OK {
			state, down = "DOWN", append(down, r.Name)
		}
		parts = append(parts, fmt.Sprintf("%s %s, %d failures", r.Name, state, r.Errors))
	}
	c := check{name: "readers", info: strings.Join(parts, "; ")}
	if len(down) > 0 {
		c.err = fmt.Errorf("not listening: %s (%s)", strings.Join(down, ", "), c.info)
	}
	return c
}

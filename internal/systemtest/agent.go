package systemtest

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"testing"
	"time"
)

// Agent is a karta-agent bus validator with a simulated reader, one
// process at a time on the same data directory.
type Agent struct {
	ID                string
	t                 testing.TB
	bins              Binaries
	dir               string
	sync              SyncOptions
	tokenKey, listPub string
	metrics           string // host:port of its metrics endpoint
	out               *output

	mu       sync.Mutex
	p        *proc
	boot     uint32            // of the current run, once it serves
	runTaps  int               // taps the current run logged
	logged   map[uint64]uint32 // seq → boot, every tap logged over all runs
	reused   []string          // seqs logged by two runs
	failures int               // taps logged as not journaled
}

var (
	tapLine  = regexp.MustCompile(`msg="agent: tap" seq=(\d+)`)
	bootLine = regexp.MustCompile(`msg="karta-agent: serving".* boot=(\d+)`)
)

func newAgent(t testing.TB, bins Binaries, id string, sync SyncOptions) *Agent {
	a := &Agent{ID: id, t: t, bins: bins, dir: t.TempDir(), sync: sync, metrics: freeAddr(t), logged: map[uint64]uint32{}}
	a.out = newOutput(t, "karta-agent "+id, a.note)
	t.Cleanup(a.Kill)
	return a
}

// note reads one line of the agent's log.
func (a *Agent) note(line string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if m := bootLine.FindStringSubmatch(line); m != nil {
		b, _ := strconv.ParseUint(m[1], 10, 32)
		a.boot = uint32(b)
	}
	m := tapLine.FindStringSubmatch(line)
	if m == nil {
		return
	}
	seq, _ := strconv.ParseUint(m[1], 10, 64)
	a.runTaps++
	switch boot, seen := a.logged[seq]; {
	case seq == 0:
		a.failures++
	case seen:
		a.reused = append(a.reused, fmt.Sprintf("seq %d by boots %d and %d", seq, boot, a.boot))
	default:
		a.logged[seq] = a.boot
	}
}

// Tap starts the agent with a reader presenting a card every every (0: a
// storm) until it is stopped, and waits until it serves.
func (a *Agent) Tap(every time.Duration) { a.t.Helper(); a.start(every, 0, true) }

// Quiet starts the agent with a reader nobody taps: the link alone works,
// draining the journal.
func (a *Agent) Quiet() { a.t.Helper(); a.start(24*time.Hour, 0, true) }

// TapOffline starts the agent with no link (a device out of reach) and a
// reader that presents n cards, then stops: WaitDone waits for that. The
// taps make a backlog.
func (a *Agent) TapOffline(n int) { a.t.Helper(); a.start(0, n, false) }

// WaitDone waits until the agent's run ends on its own, with exit 0.
func (a *Agent) WaitDone(within time.Duration) {
	a.t.Helper()
	p := a.take()
	if p == nil {
		a.t.Fatalf("%s is not running", a.ID)
	}
	if code, err := p.wait(within); err != nil || code != 0 {
		a.t.Fatalf("%s: exit %d, %v", a.ID, code, err)
	}
}

func (a *Agent) start(every time.Duration, count int, link bool) {
	a.t.Helper()
	config := filepath.Join(a.dir, "agent.toml")
	writeFile(a.t, config, a.config(every, count, link), 0o640)
	a.mu.Lock()
	if a.p != nil {
		a.mu.Unlock()
		a.t.Fatalf("%s is running already", a.ID)
	}
	a.boot, a.runTaps = 0, 0
	p, err := startProc(a.out, a.dir, a.bins.Path("karta-agent"), "run", "--config", config)
	a.p = p
	a.mu.Unlock()
	if err != nil {
		a.t.Fatal(err)
	}
	Wait(a.t, 2*time.Minute, func() (bool, string) {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.boot != 0, a.ID + " has not said it serves"
	})
}

func (a *Agent) config(every time.Duration, count int, link bool) string {
	text := fmt.Sprintf(`device_id = %q
data_dir = "data"
token_key = %q
list_keys = [%q]
metrics_addr = %q
clock = "trusted"
hardware = {driver = "none"}
`, a.ID, a.tokenKey, a.listPub, a.metrics)
	if link {
		text += fmt.Sprintf("\n[sync]\nbroker = %q\n", a.sync.Broker)
		if a.sync.Username != "" {
			text += fmt.Sprintf("username = %q\npassword_file = \"mqtt.password\"\n", a.sync.Username)
		}
	}
	return text + fmt.Sprintf(`
[[readers]]
name = "front"
driver = "sim"
cards = ["mir-debit", "mir-credit", "mir-par", "visa-gpo-track2", "mir-61xx", "mir-expired"]
every = %q
count = %d

[rules]
role = "bus"
lists = ["bus-fleet"]

[rules.bus]
full_fare = 4200
`, every, count)
}

// WaitTaps waits until the current run has logged at least n taps.
func (a *Agent) WaitTaps(n int) {
	a.t.Helper()
	Wait(a.t, 3*time.Minute, func() (bool, string) {
		a.mu.Lock()
		defer a.mu.Unlock()
		return a.runTaps >= n, fmt.Sprintf("%s logged %d taps of %d", a.ID, a.runTaps, n)
	})
}

// Logged is how many taps the agent logged over all its runs, and the
// highest seq among them.
func (a *Agent) Logged() (n int, last uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for seq := range a.logged {
		last = max(last, seq)
	}
	return len(a.logged), last
}

// Kill kills the agent with SIGKILL, if it runs.
func (a *Agent) Kill() {
	if p := a.take(); p != nil {
		p.kill()
	}
}

// Stop stops the agent with SIGTERM (it drains for a few seconds); it
// must exit 0.
func (a *Agent) Stop() {
	a.t.Helper()
	p := a.take()
	if p == nil {
		return
	}
	if code, err := p.stop(); err != nil || code != 0 {
		a.t.Errorf("%s stop: exit %d, %v", a.ID, code, err)
	}
}

func (a *Agent) take() *proc {
	a.mu.Lock()
	defer a.mu.Unlock()
	p := a.p
	a.p = nil
	return p
}

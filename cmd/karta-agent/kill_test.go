package main

import (
	"bufio"
	"io"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"syscall"
	"testing"
	"time"

	"karta/offline"
)

// buildAgent builds the karta-agent binary for process-level tests.
func buildAgent(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "karta-agent")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

var (
	tapLine  = regexp.MustCompile(`msg="agent: tap" seq=(\d+)`)
	bootLine = regexp.MustCompile(`msg="karta-agent: serving".* boot=(\d+)`)
)

// round is what one run of the agent said it did.
type round struct {
	boot uint32
	seqs []uint64 // journaled, as logged after each commit
}

// runUntil starts the agent, waits until it has journaled at least n taps,
// then sends sig and waits for it to die.
func runUntil(t *testing.T, bin, config string, n int, sig syscall.Signal) round {
	t.Helper()
	cmd := exec.Command(bin, "run", "--config", config)
	cmd.Stdout = io.Discard
	stderr, err := cmd.StderrPipe()
	must(t, err)
	must(t, cmd.Start())
	var r round
	sc := bufio.NewScanner(stderr)
	deadline := time.AfterFunc(60*time.Second, func() { cmd.Process.Kill() })
	defer deadline.Stop()
	for sc.Scan() && len(r.seqs) < n {
		r.note(sc.Text())
	}
	must(t, cmd.Process.Signal(sig))
	for sc.Scan() { // what it logged before it died still counts
		r.note(sc.Text())
	}
	cmd.Wait()
	if len(r.seqs) < n || r.boot == 0 {
		t.Fatalf("round ended with %d taps logged, boot %d", len(r.seqs), r.boot)
	}
	return r
}

func (r *round) note(line string) {
	if m := bootLine.FindStringSubmatch(line); m != nil {
		b, _ := strconv.Atoi(m[1])
		r.boot = uint32(b)
	}
	if m := tapLine.FindStringSubmatch(line); m != nil {
		s, _ := strconv.ParseUint(m[1], 10, 64)
		r.seqs = append(r.seqs, s)
	}
}

// TestKill9TapStorm kills the agent with SIGKILL in the middle of a tap
// storm, round after round: every tap it reported journaled is in the
// journal under the boot that wrote it, no seq is used twice, seqs have no
// gaps, and both stores pass their integrity checks after each crash.
func TestKill9TapStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("process-level storm test; not in -short")
	}
	bin := buildAgent(t)
	d := provision(t, "bus", 0, "0s", "mir-debit", "mir-credit", "mir-par", "visa-gpo-track2", "mir-61xx")
	var rounds []round
	for i := 0; i < 5; i++ {
		rounds = append(rounds, runUntil(t, bin, d.config, 40+i*17, syscall.SIGKILL))
		out, _, code := agentCmd(t, "selftest", "--config", d.config)
		if code != 0 {
			t.Fatalf("selftest after kill %d:\n%s", i+1, out)
		}
	}
	rounds = append(rounds, runUntil(t, bin, d.config, 10, syscall.SIGTERM))
	checkStorm(t, d.journal(t), rounds)
}

func checkStorm(t *testing.T, taps []offline.Tap, rounds []round) {
	t.Helper()
	bySeq := map[uint64]uint32{}
	for i, tap := range taps {
		if tap.Seq != uint64(i+1) {
			t.Fatalf("journal seq %d at position %d: a gap or a reuse", tap.Seq, i+1)
		}
		bySeq[tap.Seq] = tap.Boot
	}
	seen := map[uint64]bool{}
	for _, r := range rounds {
		for _, s := range r.seqs {
			boot, ok := bySeq[s]
			switch {
			case seen[s]:
				t.Errorf("seq %d reported journaled twice", s)
			case !ok:
				t.Errorf("seq %d was reported journaled by boot %d and is missing", s, r.boot)
			case boot != r.boot:
				t.Errorf("seq %d: journal says boot %d, boot %d reported it", s, boot, r.boot)
			}
			seen[s] = true
		}
	}
	t.Logf("%d rounds, %d taps journaled, %d reported before the kills", len(rounds), len(taps), len(seen))
	if len(taps) < len(seen) {
		t.Errorf("%d taps in the journal, %d reported", len(taps), len(seen))
	}
}

package systemtest

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// output is what a process said over all its runs: the last lines, for
// the failure report, and each line handed to watch as it comes.
type output struct {
	mu    sync.Mutex
	tail  []string
	watch func(line string)
}

// tailLines is how many lines a failure report shows per process.
const tailLines = 40

func newOutput(t testing.TB, name string, watch func(string)) *output {
	o := &output{watch: watch}
	t.Cleanup(func() {
		if t.Failed() {
			o.mu.Lock()
			defer o.mu.Unlock()
			t.Logf("%s, last lines:\n%s", name, strings.Join(o.tail, "\n"))
		}
	})
	return o
}

func (o *output) read(f *os.File) {
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		o.mu.Lock()
		if o.tail = append(o.tail, line); len(o.tail) > tailLines {
			o.tail = o.tail[1:]
		}
		o.mu.Unlock()
		if o.watch != nil {
			o.watch(line)
		}
	}
}

// proc is one run of a command, its stdout and stderr merged into out.
type proc struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once it exited and its output is read
	code   int           // exit code; -1: killed by a signal
}

func startProc(out *output, dir, bin string, args ...string) (*proc, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = dir, w, w
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	err = cmd.Start()
	w.Close()
	if err != nil {
		r.Close()
		return nil, fmt.Errorf("systemtest: start %s: %w", bin, err)
	}
	p := &proc{cmd: cmd, exited: make(chan struct{})}
	go func() {
		out.read(r)
		cmd.Wait()
		p.code = cmd.ProcessState.ExitCode()
		close(p.exited)
	}()
	return p, nil
}

// kill ends it with SIGKILL: a crash, a power cut.
func (p *proc) kill() {
	p.cmd.Process.Kill()
	<-p.exited
}

// stopWithin is how long a process has to stop after SIGTERM: an agent
// drains for 3 s, central finishes its round.
const stopWithin = time.Minute

// stop sends SIGTERM and returns the exit code; one that does not stop in
// time is killed and reported.
func (p *proc) stop() (int, error) {
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.exited:
		return p.code, nil
	case <-time.After(stopWithin):
		p.kill()
		return p.code, fmt.Errorf("systemtest: %s did not stop within %v of SIGTERM", p.cmd.Path, stopWithin)
	}
}

// wait waits for it to exit on its own.
func (p *proc) wait(within time.Duration) (int, error) {
	select {
	case <-p.exited:
		return p.code, nil
	case <-time.After(within):
		p.kill()
		return p.code, fmt.Errorf("systemtest: %s did not exit within %v", p.cmd.Path, within)
	}
}

// run runs a command to completion and returns its output; a failure
// fails the test.
func run(t testing.TB, dir, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", bin, strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Wait polls cond every 20 ms until it holds; after within it fails the
// test with what cond last said. Deadlines are generous: the machine may
// be loaded.
func Wait(t testing.TB, within time.Duration, cond func() (ok bool, state string)) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		ok, state := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("still after %v: %s", within, state)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// writeFile writes a file of the test's, failing the test on error.
func writeFile(t testing.TB, path, text string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), mode); err != nil {
		t.Fatal(fmt.Errorf("systemtest: %w", err))
	}
}

package systemtest

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// Binaries is where the built commands are.
type Binaries struct{ dir string }

// Path is the path of the built command name (karta-agent, karta-central,
// karta, karta-sim).
func (b Binaries) Path(name string) string { return filepath.Join(b.dir, name) }

var built struct {
	once     sync.Once
	dir      string
	err      error
	emulated string // why the commands cannot run here, if they cannot
}

var commands = []string{"karta/cmd/karta-agent", "karta/cmd/karta-central", "karta/cmd/karta", "karta/cmd/karta-sim"}

// Build compiles the commands once per test binary run; tests running in
// parallel share the build. A test binary for another architecture, run
// under qemu-user by make test-arm, skips: the kernel cannot start the
// commands it would build for its own architecture, and natively the same
// tests run in make test.
func Build(t testing.TB) Binaries {
	t.Helper()
	built.once.Do(func() {
		host, err := exec.Command("go", "env", "GOHOSTARCH").Output()
		if err != nil {
			built.err = fmt.Errorf("go env: %w", err)
			return
		}
		if h := strings.TrimSpace(string(host)); h != runtime.GOARCH {
			built.emulated = fmt.Sprintf("systemtest: a %s test binary on a %s host (qemu-user): whole-system tests run natively", runtime.GOARCH, h)
			return
		}
		if built.dir, built.err = os.MkdirTemp("", "karta-systemtest-"); built.err != nil {
			return
		}
		args := append([]string{"build", "-o", built.dir + "/"}, commands...)
		if out, err := exec.Command("go", args...).CombinedOutput(); err != nil {
			built.err = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if built.emulated != "" {
		t.Skip(built.emulated)
	}
	if built.err != nil {
		t.Fatal(built.err)
	}
	return Binaries{built.dir}
}

// RemoveBuilds removes what Build compiled; TestMain calls it after the
// run.
func RemoveBuilds() {
	if built.dir != "" {
		os.RemoveAll(built.dir)
	}
}

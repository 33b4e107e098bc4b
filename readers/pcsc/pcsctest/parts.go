package pcsctest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"

	"github.com/ebfe/scard"
)

// parts are the programs and files a Daemon needs.
type parts struct {
	pcscd  string
	driver string // vpcd's IFD handler
	sh     string
}

// driverPaths are where distributions install the vpcd IFD handler.
var driverPaths = []string{
	"/usr/lib/pcsc/drivers/serial/libifdvpcd.so",
	"/usr/lib64/pcsc/drivers/serial/libifdvpcd.so",
	"/usr/local/lib/pcsc/drivers/serial/libifdvpcd.so",
}

func findParts() (parts, error) {
	var p parts
	var err error
	if p.pcscd, err = lookPath("pcscd"); err != nil {
		return p, errors.New("pcscd is not installed (Debian: apt-get install pcscd)")
	}
	if p.sh, err = lookPath("sh"); err != nil {
		return p, errors.New("no sh to set up pcscd's mount namespace")
	}
	if _, err := lookPath("mount"); err != nil {
		return p, errors.New("no mount to set up pcscd's mount namespace")
	}
	for _, path := range driverPaths {
		if _, err := os.Stat(path); err == nil {
			p.driver = path
			return p, nil
		}
	}
	return p, errors.New("the vpcd driver is not installed (Debian: apt-get install vsmartcard-vpcd)")
}

// lookPath also looks in the sbin directories, which a user's PATH may lack.
func lookPath(name string) (string, error) {
	if path, err := exec.LookPath(name); err == nil {
		return path, nil
	}
	for _, dir := range []string{"/usr/sbin", "/sbin", "/usr/local/sbin"} {
		if path := filepath.Join(dir, name); isExec(path) {
			return path, nil
		}
	}
	return "", exec.ErrNotFound
}

func isExec(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// script runs inside the namespace: $1 is the socket directory, $2 pcscd,
// $3 the reader configuration directory. Where the system has no
// /run/pcscd, a private /run holds one, so nothing is made outside.
const script = `set -e
mount --make-rprivate /
[ -d /run/pcscd ] || { mount -t tmpfs tmpfs /run && mkdir /run/pcscd; }
mount --bind "$1" /run/pcscd
exec "$2" --foreground --debug --config "$3"
`

// command runs pcscd in a new mount namespace (and, without root, a new
// user namespace mapping this user to root).
func (p parts) command(sockDir, confDir string) *exec.Cmd {
	cmd := exec.Command(p.sh, "-c", script, "pcsctest", sockDir, p.pcscd, confDir)
	attr := &syscall.SysProcAttr{Unshareflags: syscall.CLONE_NEWNS, Pdeathsig: syscall.SIGKILL}
	if os.Geteuid() != 0 {
		attr = &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
			UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Geteuid(), Size: 1}},
			GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getegid(), Size: 1}},
			Pdeathsig:   syscall.SIGKILL,
		}
	}
	cmd.SysProcAttr = attr
	return cmd
}

// socketDir is this process's /run/pcscd, seen from outside the namespace.
func socketDir() string {
	return filepath.Join(os.TempDir(), fmt.Sprintf("karta-pcscd-%d", os.Getpid()))
}

// freePorts finds a port p such that p and p+1 are both free.
func freePorts(t testing.TB) int {
	t.Helper()
	for range 50 {
		a, err := net.Listen("tcp", ":0")
		if err != nil {
			t.Fatal(err)
		}
		port := a.Addr().(*net.TCPAddr).Port
		b, err := net.Listen("tcp", fmt.Sprintf(":%d", port+1))
		a.Close()
		if err == nil {
			b.Close()
			return port
		}
	}
	t.Fatal("pcsctest: no two consecutive free ports")
	return 0
}

func listReaders() ([]string, error) {
	sc, err := scard.EstablishContext()
	if err != nil {
		return nil, err
	}
	defer sc.Release()
	return sc.ListReaders()
}

// missing skips the test, or fails it in CI, where every part must be there.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf("pcsctest: "+format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: the integration tests must run)")
	}
	t.Skip(msg)
}

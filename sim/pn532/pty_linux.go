//go:build linux

package pn532

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// pty is a pseudo-terminal pair. The emulator speaks on the master side;
// the driver opens the other side by its path, as it would a serial port.
// The emulator also holds the other side open itself: that keeps the line
// raw and alive while the driver closes and reopens its end (with no slave
// open, Linux fails master reads with EIO).
type pty struct {
	master *os.File
	slave  *os.File
	path   string
}

// openPTY opens /dev/ptmx, unlocks the new pair (grantpt is a no-op with
// devpts: the slave is created with the caller's ownership), finds its path
// and puts it in raw mode, so that bytes pass unmodified both ways.
func openPTY() (*pty, error) {
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("pn532 sim: open pty: %w", err)
	}
	p := &pty{master: m}
	if err := p.setup(); err != nil {
		m.Close()
		return nil, err
	}
	return p, nil
}

func (p *pty) setup() error {
	if err := control(p.master, p.unlock); err != nil {
		return fmt.Errorf("pn532 sim: pty: %w", err)
	}
	var err error
	if p.slave, err = os.OpenFile(p.path, os.O_RDWR|unix.O_NOCTTY, 0); err != nil {
		return fmt.Errorf("pn532 sim: open %s: %w", p.path, err)
	}
	if err := control(p.slave, makeRaw); err != nil {
		p.slave.Close()
		return fmt.Errorf("pn532 sim: raw mode on %s: %w", p.path, err)
	}
	return nil
}

// unlock is unlockpt(3) and ptsname(3) on the master's descriptor.
func (p *pty) unlock(fd int) error {
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		return fmt.Errorf("unlockpt: %w", err)
	}
	n, err := unix.IoctlGetUint32(fd, unix.TIOCGPTN)
	if err != nil {
		return fmt.Errorf("ptsname: %w", err)
	}
	p.path = fmt.Sprintf("/dev/pts/%d", n)
	return nil
}

// makeRaw is cfmakeraw(3) at 115200 baud: no echo, no line editing, no
// signals, no CR/LF translation, 8 data bits, no parity.
func makeRaw(fd int) error {
	t, err := unix.IoctlGetTermios(fd, unix.TCGETS)
	if err != nil {
		return err
	}
	t.Iflag &^= unix.IGNBRK | unix.BRKINT | unix.PARMRK | unix.ISTRIP | unix.INLCR | unix.IGNCR | unix.ICRNL | unix.IXON
	t.Oflag &^= unix.OPOST
	t.Lflag &^= unix.ECHO | unix.ECHONL | unix.ICANON | unix.ISIG | unix.IEXTEN
	t.Cflag &^= unix.CSIZE | unix.PARENB | unix.CBAUD
	t.Cflag |= unix.CS8 | unix.CREAD | unix.CLOCAL | unix.B115200
	t.Cc[unix.VMIN], t.Cc[unix.VTIME] = 1, 0
	return unix.IoctlSetTermios(fd, unix.TCSETS, t)
}

// control runs fn on f's descriptor without taking f out of the runtime's
// poller (f.Fd would), so deadlines and Close keep unblocking reads.
func control(f *os.File, fn func(fd int) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var ferr error
	if err := rc.Control(func(fd uintptr) { ferr = fn(int(fd)) }); err != nil {
		return err
	}
	return ferr
}

// Close closes both sides: the driver's end hangs up.
func (p *pty) Close() error {
	return errors.Join(p.slave.Close(), p.master.Close())
}

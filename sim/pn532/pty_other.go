//go:build !linux

package pn532

import (
	"errors"
	"fmt"
	"os"
)

type pty struct {
	master *os.File
	path   string
}

func openPTY() (*pty, error) {
	return nil, fmt.Errorf("pn532 sim: pty: %w (Linux only)", errors.ErrUnsupported)
}

func (p *pty) Close() error { return nil }

// Package atomicfile writes a file whole or not at all: into a temporary
// file beside it, synced, then renamed over the old one. A reader — an
// inbox watcher, the next boot after a power cut — sees the old file or
// the new one, never half of the new.
package atomicfile

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// Write makes path's directory if needed and writes what write writes,
// with mode perm. On any error path is as it was.
func Write(path string, perm os.FileMode, write func(io.Writer) error) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	f, err := os.CreateTemp(dir, filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("atomicfile: %w", err)
	}
	defer os.Remove(f.Name()) // gone after the rename; cleans up after a failure
	err = write(f)
	if err == nil {
		err = f.Chmod(perm)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("atomicfile: %s: %w", path, err)
	}
	return nil
}

// WriteBytes writes b to path whole or not at all.
func WriteBytes(path string, perm os.FileMode, b []byte) error {
	return Write(path, perm, func(w io.Writer) error {
		_, err := w.Write(b)
		return err
	})
}

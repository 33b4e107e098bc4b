package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

// fileList is a repeatable flag of file names (--pub A --pub B).
type fileList []string

func (l *fileList) String() string     { return strings.Join(*l, ",") }
func (l *fileList) Set(v string) error { *l = append(*l, v); return nil }

// parseArgs parses flags that may come before, between or after the
// positional arguments (karta list verify FILE --pub KEY), and returns the
// positional ones. Everything after "--" is positional.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos, args = append(pos, rest[0]), rest[1:]
	}
}

// newFlags makes the flag set of a command, printing to stderr.
func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("karta "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

// usageError prints a usage problem and returns exit code 2.
func usageError(stderr io.Writer, name, format string, args ...any) int {
	fmt.Fprintf(stderr, "karta %s: %s\n", name, fmt.Sprintf(format, args...))
	return 2
}

// failed prints an error and returns exit code 1.
func failed(stderr io.Writer, name string, err error) int {
	fmt.Fprintf(stderr, "karta %s: %v\n", name, err)
	return 1
}

// writeNew writes a file that must not exist yet, through write, and syncs
// it. On any error the file is removed: no half file is left behind.
func writeNew(path string, mode os.FileMode, write func(w io.Writer) error) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return fmt.Errorf("%w (karta never overwrites: remove it or choose another name)", err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	err = write(bw)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// refuseExisting fails early, before long work, if a path to write exists.
func refuseExisting(paths ...string) error {
	for _, p := range paths {
		if p == "" {
			continue
		}
		if _, err := os.Lstat(p); err == nil {
			return fmt.Errorf("%s exists (karta never overwrites: remove it or choose another name)", p)
		}
	}
	return nil
}

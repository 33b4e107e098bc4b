// Package cli is what karta's commands share: a main that stops on
// SIGINT/SIGTERM through a context, and dispatch on the first argument.
package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Command runs with its arguments and returns the exit status.
type Command = func(ctx context.Context, args []string, stdout, stderr io.Writer) int

// Main runs run with the process's arguments and streams, its context
// ending on SIGINT or SIGTERM, and exits with its status.
func Main(run Command) {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Dispatch runs the command args[0] names with the rest; with none or an
// unknown one it prints usage and returns 2.
func Dispatch(ctx context.Context, args []string, stdout, stderr io.Writer, commands map[string]Command, usage string) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, usage)
	return 2
}

// Command karta-agent is the device daemon of bus validators, school
// turnstiles and canteen tills: it reads cards, decides offline, journals
// every tap before it signals, and keeps its lists current.
//
//	karta-agent run --config FILE [--record DIR]
//	                                     serve taps until SIGINT/SIGTERM; --record
//	                                     writes scrubbed transcripts of every session
//	karta-agent selftest --config FILE   check stores, keys, readers, pins
//	karta-agent install --config FILE BUNDLE...
//	                                     install list bundles (USB stick)
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

var commands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) int{
	"run":      serve,
	"selftest": selftest,
	"install":  install,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, "usage: karta-agent run|selftest|install --config FILE [BUNDLE...]")
	return 2
}

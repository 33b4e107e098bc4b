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
//	karta-agent testtap --config FILE [--card sim|reader] [--timeout 2m]
//	                                     one tap end to end, until central acks it
package main

import (
	"context"
	"io"

	"karta/internal/cli"
)

func main() { cli.Main(run) }

var commands = map[string]cli.Command{
	"run":      serve,
	"selftest": selftest,
	"install":  install,
	"testtap":  testTap,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, commands, "usage: karta-agent run|selftest|install|testtap --config FILE [BUNDLE...]")
}

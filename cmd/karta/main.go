// Command karta is the depot technicians' and ops' tool: reading cards,
// and (as karta grows) lists, keys, provisioning and diagnosis.
//
//	karta emv read --transcript FILE [--json] [--token-key FILE] [--debug]
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

// command is one "karta NOUN VERB".
type command struct {
	name, usage string
	run         func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

var commands = []command{
	{"emv read", "read a card and print its identity (karta emv read --help)", emvRead},
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	for _, c := range commands {
		if n := len(splitName(c.name)); len(args) >= n && joinName(args[:n]) == c.name {
			return c.run(ctx, args[n:], stdout, stderr)
		}
	}
	usage(stderr)
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: karta COMMAND [flags]\n\ncommands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-12s %s\n", c.name, c.usage)
	}
}

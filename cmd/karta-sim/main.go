// Command karta-sim simulates cards (and, as karta grows, readers and whole
// fleets) for tests, demos and benchmarks.
//
//	karta-sim cards                         list the virtual cards
//	karta-sim transcript --card NAME [-o F] write a transcript of reading a card
//	karta-sim demo [--card NAME ...]        read virtual cards, print identities
//	karta-sim registry --token-key F [-o F] the demo registry (tokens only), JSONL
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
	"cards":      listCards,
	"transcript": writeTranscript,
	"demo":       demo,
	"registry":   writeRegistry,
	"vpcd":       vpcdCommand,
	"pn532":      pn532Command,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		if cmd, ok := commands[args[0]]; ok {
			return cmd(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintln(stderr, "usage: karta-sim cards | transcript --card NAME [-o FILE] | demo [--card NAME]...")
	return 2
}

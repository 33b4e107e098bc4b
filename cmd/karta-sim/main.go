// Command karta-sim simulates cards (and, as karta grows, readers and whole
// fleets) for tests, demos and benchmarks.
//
//	karta-sim cards                         list the virtual cards
//	karta-sim transcript --card NAME [-o F] write a transcript of reading a card
//	karta-sim demo [--card NAME ...]        read virtual cards, print identities
//	karta-sim registry --token-key F [-o F] the demo registry (tokens only), JSONL
//	karta-sim fleet --broker URL [--secret-file F] --devices N --rate R ...  a fleet syncing taps (load tests)
package main

import (
	"context"
	"io"

	"karta/internal/cli"
)

func main() { cli.Main(run) }

var commands = map[string]cli.Command{
	"cards":      listCards,
	"transcript": writeTranscript,
	"demo":       demo,
	"registry":   writeRegistry,
	"vpcd":       vpcdCommand,
	"pn532":      pn532Command,
	"fleet":      fleetCommand,
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return cli.Dispatch(ctx, args, stdout, stderr, commands, "usage: karta-sim cards|transcript|demo|registry|vpcd|pn532|fleet [flags] (karta-sim COMMAND -h)")
}

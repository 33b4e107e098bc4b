package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"karta/offline/token"
	"karta/readers/emv"
	"karta/sim"
)

func listCards(_ context.Context, _ []string, stdout, _ io.Writer) int {
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, c := range sim.Cards() {
		fmt.Fprintf(tw, "%s\t%s\n", c.Name, c.About)
	}
	tw.Flush()
	return 0
}

func writeTranscript(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-sim transcript", flag.ContinueOnError)
	fs.SetOutput(stderr)
	name := fs.String("card", "", "virtual card `NAME` (karta-sim cards lists them)")
	out := fs.String("o", "", "write to `FILE` instead of standard output")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	card, ok := sim.Lookup(*name)
	if !ok {
		fmt.Fprintf(stderr, "karta-sim: no virtual card %q; there are: %s\n", *name, strings.Join(sim.Names(), ", "))
		return 2
	}
	w := stdout
	if *out != "" {
		f, err := os.Create(*out)
		if err != nil {
			fmt.Fprintln(stderr, "karta-sim:", err)
			return 1
		}
		defer f.Close()
		w = f
	}
	if err := sim.WriteTranscript(ctx, w, card, emv.NewReader(throwawayKey(), emv.Options{})); err != nil {
		fmt.Fprintln(stderr, "karta-sim:", err)
		return 1
	}
	return 0
}

// throwawayKey tokenizes demo reads; the tokens match nothing anywhere.
func throwawayKey() *token.Key {
	k, err := token.Generate("demo", rand.Reader)
	if err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	return k
}

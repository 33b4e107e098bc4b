package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"karta/readers/emv"
	"karta/sim"
)

// demoCards are read when no --card is given: a tour of what the reader
// meets, good cards and bad.
var demoCards = []string{
	"mir-debit", "mir-credit", "mir-par", "mir-pay", "mir-maestro", "visa-gpo-track2",
	"mastercard-records", "mir-expired", "mir-truncated", "mir-vanishing",
}

type cardList []string

func (l *cardList) String() string     { return strings.Join(*l, ",") }
func (l *cardList) Set(s string) error { *l = append(*l, s); return nil }

func demo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-sim demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var names cardList
	fs.Var(&names, "card", "virtual card `NAME` to read (repeatable; default: a tour)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if len(names) == 0 {
		names = demoCards
	}
	r := emv.NewReader(throwawayKey(), emv.Options{})
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CARD\tSCHEME\tNUMBER\tEXPIRY\tAPDUS\tTOKEN / RESULT")
	for _, name := range names {
		card, ok := sim.Lookup(name)
		if !ok {
			fmt.Fprintf(stderr, "karta-sim: no virtual card %q\n", name)
			return 2
		}
		id, err := r.Read(ctx, card.Insert())
		fmt.Fprintln(tw, demoLine(name, id, err))
	}
	tw.Flush()
	return 0
}

func demoLine(name string, id emv.Identity, err error) string {
	if err != nil {
		return fmt.Sprintf("%s\t-\t-\t-\t%d\trefused: %v", name, id.APDUs, err)
	}
	expiry := id.Expiry
	if id.Expired(time.Now()) {
		expiry += " expired"
	}
	return fmt.Sprintf("%s\t%s\t%s\t%s\t%d\t%s", name, id.Scheme, id.PANMasked, expiry, id.APDUs, id.Token)
}

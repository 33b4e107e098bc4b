// Command karta is the depot technicians' and ops' tool: reading cards,
// and (as karta grows) lists, keys, provisioning and diagnosis.
//
//	karta emv read --transcript FILE [--json] [--token-key FILE] [--debug]
//	karta keys gen-signing --id ID --out DIR
//	karta keys gen-token --id ID --out FILE
//	karta list build|inspect|verify|diff ...
//	karta provision --central URL --id ID --role R (--route R | --school S) --dir DIR ...
//	karta decommission --central URL --id ID [--yes]
package main

import (
	"context"
	"fmt"
	"io"

	"karta/internal/cli"
)

func main() { cli.Main(run) }

// command is one "karta NOUN VERB".
type command struct {
	name, usage string
	run         cli.Command
}

var commands = []command{
	{"emv read", "read a card and print its identity (karta emv read --help)", emvRead},
	{"keys gen-signing", "make a list signing key pair: --id ID --out DIR", keysGenSigning},
	{"keys gen-token", "make a token key: --id ID --out FILE", keysGenToken},
	{"list build", "build a signed list bundle from a registry export (karta list build --help)", listBuild},
	{"list inspect", "show a bundle's manifest; with --pub KEYFILE, verify it", listInspect},
	{"list verify", "verify a bundle: karta list verify FILE --pub KEYFILE", listVerify},
	{"list diff", "compare two bundles of a list: karta list diff OLD NEW", listDiff},
	{"provision", "bring a new or replacement device into service (karta provision --help)", provision},
	{"decommission", "revoke a device at central and the broker: --central URL --id ID", decommission},
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
		fmt.Fprintf(w, "  %-17s %s\n", c.name, c.usage)
	}
}

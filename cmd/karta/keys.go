package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"karta/offline/bundle"
	"karta/offline/token"
)

// keysGenSigning: karta keys gen-signing --id ID --out DIR
func keysGenSigning(_ context.Context, args []string, stdout, stderr io.Writer) int {
	const name = "keys gen-signing"
	fs := newFlags(name, stderr)
	id := fs.String("id", "", "key `ID`: 1-16 of [a-z0-9-], e.g. k1")
	dir := fs.String("out", "", "`DIR` to write list-signing-ID.key and list-public-ID.pub into")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *id == "" || *dir == "" || fs.NArg() > 0 {
		return usageError(stderr, name, "--id ID and --out DIR are required")
	}
	priv := filepath.Join(*dir, "list-signing-"+*id+".key")
	pub := filepath.Join(*dir, "list-public-"+*id+".pub")
	if err := genSigning(*id, priv, pub); err != nil {
		return failed(stderr, name, err)
	}
	fmt.Fprintf(stdout, "wrote %s (secret, mode 0600: keep it at central, never on a device)\n", priv)
	fmt.Fprintf(stdout, "wrote %s (pin it on devices: karta list verify --pub)\n", pub)
	return 0
}

func genSigning(id, priv, pub string) error {
	if err := refuseExisting(priv, pub); err != nil {
		return err
	}
	k, err := bundle.GenerateSigningKey(id, rand.Reader)
	if err != nil {
		return err
	}
	if err := bundle.SaveSigningKey(priv, k); err != nil {
		return err
	}
	if err := bundle.SavePublicKey(pub, k.Public()); err != nil {
		os.Remove(priv) // a signing key without its public half is of no use
		return err
	}
	return nil
}

// keysGenToken: karta keys gen-token --id ID --out FILE
func keysGenToken(_ context.Context, args []string, stdout, stderr io.Writer) int {
	const name = "keys gen-token"
	fs := newFlags(name, stderr)
	id := fs.String("id", "", "key `ID`: 1-16 of [a-z0-9-], e.g. t1; it prefixes every token")
	out := fs.String("out", "", "key `FILE` to write (mode 0600)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *id == "" || *out == "" || fs.NArg() > 0 {
		return usageError(stderr, name, "--id ID and --out FILE are required")
	}
	k, err := token.Generate(*id, rand.Reader)
	if err == nil {
		err = token.SaveKey(*out, k)
	}
	if err != nil {
		return failed(stderr, name, err)
	}
	fmt.Fprintf(stdout, "wrote %s (%s: a secret of the same class as card numbers; devices and central only)\n", *out, k)
	return 0
}

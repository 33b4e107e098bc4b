package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"karta/offline/token"
	"karta/readers/emv"
	"karta/readers/transcript"
)

// now is the clock for expiry checks; tests fix it.
var now = time.Now

// identityJSON is the --json output of karta emv read.
type identityJSON struct {
	Scheme     string `json:"scheme,omitempty"`
	AID        string `json:"aid,omitempty"`
	Label      string `json:"label,omitempty"`
	PANMasked  string `json:"pan_masked,omitempty"`
	PANSource  string `json:"pan_source,omitempty"`
	Expiry     string `json:"expiry,omitempty"`
	Expired    bool   `json:"expired"`
	PSN        string `json:"psn,omitempty"`
	PARPresent bool   `json:"par_present"`
	Token      string `json:"token,omitempty"`
	PARToken   string `json:"par_token,omitempty"`
	APDUs      int    `json:"apdus"`
}

func emvRead(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta emv read", flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("transcript", "", "read the card a transcript `FILE` describes")
	asJSON := fs.Bool("json", false, "print one JSON object")
	keyPath := fs.String("token-key", "", "token key `FILE` (default: a throwaway key; tokens then differ per run)")
	debug := fs.Bool("debug", false, "log each exchange to stderr (headers and status words only)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *path == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "karta emv read: --transcript FILE is required (PC/SC and PN532 readers come with the agent)")
		return 2
	}
	key, err := loadOrThrowaway(*keyPath, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "karta:", err)
		return 1
	}
	id, err := readTranscript(ctx, *path, key, logger(*debug, stderr))
	return report(stdout, stderr, id, err, *asJSON)
}

func readTranscript(ctx context.Context, path string, key *token.Key, log *slog.Logger) (emv.Identity, error) {
	tr, err := transcript.ParseFile(path)
	if err != nil {
		return emv.Identity{}, err
	}
	card := transcript.NewCard(tr)
	defer card.Close()
	return emv.NewReader(key, emv.Options{Log: log}).Read(ctx, card)
}

func loadOrThrowaway(path string, stderr io.Writer) (*token.Key, error) {
	if path != "" {
		return token.LoadKey(path)
	}
	fmt.Fprintln(stderr, "karta: no --token-key: tokens are made with a throwaway key and match nothing")
	return token.Generate("tmp", rand.Reader)
}

func logger(debug bool, w io.Writer) *slog.Logger {
	level := slog.LevelInfo
	if debug {
		level = slog.LevelDebug
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

func report(stdout, stderr io.Writer, id emv.Identity, err error, asJSON bool) int {
	code := 0
	if err != nil {
		code = 1
	}
	if asJSON {
		out := toJSON(id, err)
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if encErr := enc.Encode(out); encErr != nil {
			fmt.Fprintln(stderr, "karta:", encErr)
			return 1
		}
		return code
	}
	if err != nil {
		fmt.Fprintln(stderr, "karta:", err)
		fmt.Fprintln(stderr, hint(err))
		return code
	}
	printIdentity(stdout, id)
	return code
}

// failureJSON is the --json output of a read that failed.
type failureJSON struct {
	Error string `json:"error"`
	APDUs int    `json:"apdus"`
}

func toJSON(id emv.Identity, err error) any {
	if err != nil {
		return failureJSON{Error: err.Error(), APDUs: id.APDUs}
	}
	return identityJSON{
		Scheme: string(id.Scheme), AID: fmt.Sprintf("%X", id.AID), Label: id.Label,
		PANMasked: id.PANMasked, PANSource: id.PANSource.String(), Expiry: id.Expiry,
		Expired: id.Expired(now()), PSN: id.PSN, PARPresent: id.PARPresent,
		Token: id.Token, PARToken: id.PARToken, APDUs: id.APDUs,
	}
}

func printIdentity(w io.Writer, id emv.Identity) {
	mir := "not a Mir card: no resident entitlements"
	if id.IsMir() {
		mir = "Mir"
	}
	expiry := id.Expiry
	switch {
	case expiry == "":
		expiry = "unknown"
	case id.Expired(now()):
		expiry += " (EXPIRED)"
	}
	fmt.Fprintf(w, "scheme     %s (%s)\n", id.Scheme, mir)
	fmt.Fprintf(w, "aid        %X %q\n", id.AID, id.Label)
	fmt.Fprintf(w, "number     %s (from tag %s)\n", id.PANMasked, id.PANSource)
	fmt.Fprintf(w, "expiry     %s\n", expiry)
	fmt.Fprintf(w, "psn        %s\n", orDash(id.PSN))
	fmt.Fprintf(w, "token      %s\n", id.Token)
	fmt.Fprintf(w, "par token  %s\n", orDash(id.PARToken))
	fmt.Fprintf(w, "exchanges  %d\n", id.APDUs)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// hint tells a technician what an error means at the reader.
func hint(err error) string {
	switch {
	case errors.Is(err, transcript.ErrSyntax):
		return "hint: the transcript file is not in the card transcript format (C:/R: lines)"
	case errors.Is(err, emv.ErrNoApplication):
		return "hint: the card has no payment application the reader knows: not a bank card, or a purse/transport card"
	case errors.Is(err, emv.ErrMalformed):
		return "hint: the card sent data that does not parse: a damaged card or a bad read; try again, then replace the card"
	case errors.Is(err, emv.ErrNoPAN):
		return "hint: the card's applications answered but gave no card number"
	}
	return "hint: see the error above; run with --debug to see each exchange"
}

package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"karta/offline"
	"karta/offline/token"
	"karta/sim"
)

// writeRegistry writes the demo registry — who the virtual cards belong to
// and their rights — as JSONL rows for `karta list build`. Cards appear by
// token only: the card numbers never leave memory.
func writeRegistry(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("karta-sim registry", flag.ContinueOnError)
	fs.SetOutput(stderr)
	keyPath := fs.String("token-key", "", "token key `FILE` (karta keys gen-token)")
	out := fs.String("o", "", "write to `FILE` instead of standard output")
	if err := fs.Parse(args); err != nil || *keyPath == "" {
		fmt.Fprintln(stderr, "usage: karta-sim registry --token-key FILE [-o FILE]")
		return 2
	}
	key, err := token.LoadKey(*keyPath)
	if err != nil {
		fmt.Fprintln(stderr, "karta-sim:", err)
		return 1
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
	enc := json.NewEncoder(w)
	for _, e := range sim.Entries(key) {
		if err := enc.Encode(registryRow(e)); err != nil {
			fmt.Fprintln(stderr, "karta-sim:", err)
			return 1
		}
	}
	return 0
}

// registryRow is an entry in the columns of a registry export.
func registryRow(e *offline.Entry) map[string]any {
	r := map[string]any{"token": e.Token, "category": e.Category}
	setDay(r, "from", e.From)
	setDay(r, "to", e.To)
	if b := e.Bus; b != nil {
		r["bus_discount"], r["bus_monthly_limit"] = b.Discount, b.MonthlyLimit
	}
	if s := e.School; s != nil {
		r["school"], r["role"] = s.School, s.Role
		if s.Grade > 0 {
			r["grade"] = s.Grade
		}
		if s.Schedule != "" {
			r["schedule"] = s.Schedule
		}
	}
	if m := e.Meals; m != nil {
		r["school"], r["meals"] = m.School, strings.Join(m.Meals, ";")
	}
	if s := e.Stop; s != nil {
		r["stop_reason"] = s.Reason
		setDay(r, "stop_since", s.Since)
	}
	return r
}

func setDay(r map[string]any, col string, d offline.Day) {
	if d != 0 {
		r[col] = d.String()
	}
}

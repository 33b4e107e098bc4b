package main

import (
	"fmt"
	"io"
	"reflect"
	"strings"

	"karta/offline"
	"karta/offline/bundle"
)

// changedParts names the parts of an entry that differ.
func changedParts(x, y *offline.Entry) []string {
	var parts []string
	for _, p := range []struct {
		name string
		a, b any
	}{
		{"category", x.Category, y.Category}, {"dates", [2]offline.Day{x.From, x.To}, [2]offline.Day{y.From, y.To}},
		{"bus", x.Bus, y.Bus}, {"school", x.School, y.School}, {"meals", x.Meals, y.Meals}, {"stop", x.Stop, y.Stop},
	} {
		if !reflect.DeepEqual(p.a, p.b) {
			parts = append(parts, p.name)
		}
	}
	return parts
}

// describe sums an entry up in a few words, for examples.
func describe(e *offline.Entry) string {
	var parts []string
	if e.Category != "" {
		parts = append(parts, e.Category)
	}
	if e.Bus != nil {
		parts = append(parts, fmt.Sprintf("bus %d%%", e.Bus.Discount))
	}
	if e.School != nil {
		parts = append(parts, e.School.Role+" at "+e.School.School)
	}
	if e.Meals != nil {
		parts = append(parts, strings.Join(e.Meals.Meals, "+"))
	}
	if e.Stop != nil {
		parts = append(parts, "STOPPED: "+e.Stop.Reason)
	}
	return strings.Join(parts, "; ")
}

func (d *diff) print(w io.Writer, old, cur *bundle.Manifest, verified bool) {
	fmt.Fprintf(w, "old  %s (%d entries)\n", old.Name(), old.Ops)
	fmt.Fprintf(w, "new  %s (%d ops)\n", cur.Name(), cur.Ops)
	fmt.Fprintf(w, "added      %d\nremoved    %d\nchanged    %d\nunchanged  %d\n", d.added, d.removed, d.changed, d.unchanged)
	if d.deleteAbsent > 0 {
		fmt.Fprintf(w, "the delta deletes %d tokens OLD does not have\n", d.deleteAbsent)
	}
	for kind, mark := range []string{"+", "-", "~"} {
		for _, ex := range d.examples[kind] {
			fmt.Fprintf(w, "  %s %s\n", mark, ex)
		}
	}
	if !verified {
		fmt.Fprintln(w, "signatures not checked (no --pub)")
	}
}

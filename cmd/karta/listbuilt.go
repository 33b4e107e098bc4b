package main

import (
	"fmt"
	"io"

	"karta/offline"
	"karta/offline/bundle"
)

// buildResult is what karta list build made.
type buildResult struct {
	export
	puts, deletes int
	bundle        *bundle.Bundle
}

// writer adds the ops of a snapshot of the registry, or of the delta from
// the --from state to it.
func (res *buildResult) writer(f *buildFlags) (*bundle.Writer, error) {
	opt := bundle.Options{ChunkSize: f.chunkSize}
	if f.base == 0 {
		w, err := bundle.NewSnapshot(f.list, f.version, opt)
		if err != nil {
			return nil, err
		}
		return w, res.putAll(w)
	}
	old, err := readState(f.from, f.list, f.base)
	if err != nil {
		return nil, err
	}
	w, err := bundle.NewDelta(f.list, f.base, f.version, opt)
	if err != nil {
		return nil, err
	}
	return w, res.diff(w, old)
}

func (res *buildResult) putAll(w *bundle.Writer) error {
	for _, e := range res.entries {
		if err := w.Put(e); err != nil {
			return err
		}
	}
	res.puts = len(res.entries)
	return nil
}

// diff adds a put for each entry new or changed since old (token →
// encoded entry), and a delete for each token gone. It empties old.
func (res *buildResult) diff(w *bundle.Writer, old map[string]string) error {
	var enc []byte
	for _, e := range res.entries {
		enc = offline.AppendEntry(enc[:0], e)
		prev, had := old[e.Token]
		delete(old, e.Token)
		if had && prev == string(enc) {
			continue
		}
		if err := w.Put(e); err != nil {
			return err
		}
		res.puts++
	}
	for tok := range old {
		if err := w.Delete(tok); err != nil {
			return err
		}
		res.deletes++
	}
	return nil
}

func (res *buildResult) print(w io.Writer, f *buildFlags) {
	m, err := bundle.PeekManifest(res.bundle.Signed)
	if err != nil { // we just made it
		fmt.Fprintln(w, "karta:", err)
		return
	}
	fmt.Fprintf(w, "%s: %s, %d entries, %d skipped\n", res.path, plural(res.rows, "row"), len(res.entries), res.skipped)
	fmt.Fprintf(w, "%s: %s, %s in %s; key %s, expires %s\n", m.Name(), plural(res.puts, "put"),
		plural(res.deletes, "delete"), chunkSummary(res.bundle), m.KeyID, when(m.Expires))
	fmt.Fprintf(w, "wrote %s\n", f.out)
	if f.state == "" {
		fmt.Fprintln(w, "no --state: the next version can only be a snapshot")
		return
	}
	fmt.Fprintf(w, "wrote %s (for the next delta: --base %d --from %s)\n", f.state, f.version, f.state)
}

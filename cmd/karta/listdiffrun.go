package main

import (
	"bytes"
	"errors"
	"io"
	"strings"

	"karta/offline"
)

// diff compares two sorted runs of ops: a snapshot (old) and a snapshot
// or a delta onto it (new). Both are in token order, so one merge pass
// does it, in no more memory than two ops.
type diff struct {
	delta                              bool
	max                                int
	added, removed, changed, unchanged int
	deleteAbsent                       int // a delta's deletes of tokens old lacks
	examples                           [3][]string
	a, b                               []byte // encodings, reused
}

const (
	exAdded = iota
	exRemoved
	exChanged
)

func (d *diff) run(old, cur offline.OpSource) error {
	a, aerr := old.Next()
	b, berr := cur.Next()
	for aerr == nil || berr == nil {
		if err := errors.Join(ignoreEOF(aerr), ignoreEOF(berr)); err != nil {
			return err
		}
		switch {
		case berr != nil || aerr == nil && a.Token < b.Token:
			d.onlyOld(a)
			a, aerr = old.Next()
		case aerr != nil || b.Token < a.Token:
			d.onlyNew(b)
			b, berr = cur.Next()
		default:
			d.both(a, b)
			a, aerr = old.Next()
			b, berr = cur.Next()
		}
	}
	return errors.Join(ignoreEOF(aerr), ignoreEOF(berr))
}

func ignoreEOF(err error) error {
	if errors.Is(err, io.EOF) {
		return nil
	}
	return err
}

func (d *diff) onlyOld(a offline.Op) {
	if d.delta {
		d.unchanged++ // a delta leaves what it does not name
		return
	}
	d.removed++
	d.example(exRemoved, a.Token, "")
}

func (d *diff) onlyNew(b offline.Op) {
	if b.Entry == nil {
		d.deleteAbsent++
		return
	}
	d.added++
	d.example(exAdded, b.Token, describe(b.Entry))
}

func (d *diff) both(a, b offline.Op) {
	switch {
	case b.Entry == nil:
		d.removed++
		d.example(exRemoved, a.Token, "")
	case d.same(a.Entry, b.Entry):
		d.unchanged++
	default:
		d.changed++
		d.example(exChanged, a.Token, strings.Join(changedParts(a.Entry, b.Entry), ", "))
	}
}

func (d *diff) same(x, y *offline.Entry) bool {
	d.a, d.b = offline.AppendEntry(d.a[:0], x), offline.AppendEntry(d.b[:0], y)
	return bytes.Equal(d.a, d.b)
}

func (d *diff) example(kind int, tok, note string) {
	if len(d.examples[kind]) < d.max {
		if note != "" {
			tok += "  (" + note + ")"
		}
		d.examples[kind] = append(d.examples[kind], tok)
	}
}

package bundle_test

import (
	"errors"
	"strings"
	"testing"

	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

const testPAN = "2200123456789010"

func TestWriterRefuses(t *testing.T) {
	key := bundletest.Key(t)
	e := sampleEntries()
	tests := []struct {
		name    string
		delta   bool
		build   func(w *bundle.Writer) error
		want    error
		wantMsg string
	}{
		{"duplicate token", false, func(w *bundle.Writer) error {
			w.Put(e[0])
			w.Put(e[1])
			w.Put(e[0])
			_, err := w.Sign(key, issued, expires)
			return err
		}, bundle.ErrOrder, "token k1.CCCCCCCCCCCCCCCCCCCC appears twice"},
		{"duplicate token in a delta", true, func(w *bundle.Writer) error {
			w.Put(e[0])
			w.Delete(e[0].Token)
			_, err := w.Sign(key, issued, expires)
			return err
		}, bundle.ErrOrder, "appears twice"},
		{"delete in a snapshot", false, func(w *bundle.Writer) error {
			return w.Delete(e[0].Token)
		}, bundle.ErrBadOp, "only puts"},
		{"card number as token", false, func(w *bundle.Writer) error {
			return w.Put(&offline.Entry{Token: testPAN})
		}, bundle.ErrBadOp, "op 1: not a karta token"},
		{"op and entry tokens differ", true, func(w *bundle.Writer) error {
			return w.Add(offline.Op{Token: e[1].Token, Entry: e[0]})
		}, bundle.ErrBadOp, "its entry's"},
		{"entry the codec cannot read back", false, func(w *bundle.Writer) error {
			w.Put(&offline.Entry{Token: e[0].Token, Category: strings.Repeat("x", 300)})
			_, err := w.Sign(key, issued, expires)
			return err
		}, offline.ErrCorruptEntry, "bad op for list bus-fleet v2 (chunk 1, op 1: token k1.CCCCCCCCCCCCCCCCCCCC)"},
		{"expiry before issue", false, func(w *bundle.Writer) error {
			_, err := w.Sign(key, expires, issued)
			return err
		}, bundle.ErrFormat, "expiry must come after issue"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := bundle.NewSnapshot("bus-fleet", 2, bundle.Options{})
			if tt.delta {
				w, err = bundle.NewDelta("bus-fleet", 1, 2, bundle.Options{})
			}
			if err != nil {
				t.Fatal(err)
			}
			err = tt.build(w)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("got %v, want %v with %q", err, tt.want, tt.wantMsg)
			}
			if err != nil && strings.Contains(err.Error(), testPAN) {
				t.Errorf("error shows the card number: %v", err)
			}
		})
	}
}

func TestNewWriterRefuses(t *testing.T) {
	tests := []struct {
		name          string
		delta         bool
		list          string
		base, version uint64
		opt           bundle.Options
	}{
		{"empty list name", false, "", 0, 1, bundle.Options{}},
		{"list name with a slash", false, "bus/fleet", 0, 1, bundle.Options{}},
		{"upper case list name", false, "Bus", 0, 1, bundle.Options{}},
		{"version 0", false, "bus", 0, 0, bundle.Options{}},
		{"delta on base 0", true, "bus", 0, 1, bundle.Options{}},
		{"delta not above base", true, "bus", 5, 5, bundle.Options{}},
		{"chunk size too large", false, "bus", 0, 1, bundle.Options{ChunkSize: bundle.MaxChunkSize + 1}},
		{"negative chunk size", false, "bus", 0, 1, bundle.Options{ChunkSize: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var err error
			if tt.delta {
				_, err = bundle.NewDelta(tt.list, tt.base, tt.version, tt.opt)
			} else {
				_, err = bundle.NewSnapshot(tt.list, tt.version, tt.opt)
			}
			if !errors.Is(err, bundle.ErrFormat) {
				t.Errorf("got %v, want ErrFormat", err)
			}
		})
	}
}

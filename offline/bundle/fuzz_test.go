package bundle_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

// FuzzRead feeds the file container arbitrary bytes: Read must not panic,
// and what it reads must write back to the same bytes.
func FuzzRead(f *testing.F) {
	for _, g := range goldenBundles {
		data, err := os.ReadFile(filepath.Join("testdata", g.file))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
		f.Add(data[:len(data)/2])
	}
	f.Add([]byte("KARTA-BUNDLE 1\n\x00\x00\x00\x02{}"))
	f.Add([]byte("garbage"))
	ring := bundletest.Ring(f, bundletest.Key(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := bundle.Read(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, bundle.ErrFormat) && !errors.Is(err, bundle.ErrTruncated) {
				t.Fatalf("Read error of no known kind: %v", err)
			}
			return
		}
		var out bytes.Buffer
		if _, err := b.WriteTo(&out); err != nil || !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("read then written: %v, differs: %v", err, !bytes.Equal(out.Bytes(), data))
		}
		if v, err := bundle.Open(b, ring, now); err == nil {
			drain(t, v, v.Manifest().Ops)
		}
	})
}

// FuzzOpen signs whatever records the fuzzer makes, correctly, so that
// every check behind the signature is reached: Open must refuse or yield
// exactly the ops it promised, and never panic.
func FuzzOpen(f *testing.F) {
	e := offline.AppendEntry(nil, sampleEntries()[2])
	a, b := "k1.AAAAAAAAAAAAAAAAAAAA", "k1.BBBBBBBBBBBBBBBBBBBB"
	f.Add(bundle.AppendPut(bundle.AppendPut(nil, a, e), b, e), uint64(0), 2)
	f.Add(bundle.AppendDelete(bundle.AppendPut(nil, a, e), b), uint64(6), 2)
	f.Add(bundle.AppendPut(nil, b, e[:3]), uint64(0), 1)
	f.Add([]byte{2, 3, 'k', '1', '.'}, uint64(1), 1)
	key := bundletest.Key(f)
	ring := bundletest.Ring(f, key)
	f.Fuzz(func(t *testing.T, records []byte, base uint64, ops int) {
		if base+1 == 0 {
			return // no version above the base
		}
		m := bundle.Manifest{Format: 1, List: "fuzz", Version: base + 1, Base: base,
			Issued: now, Expires: expires, Ops: ops}
		v, err := bundle.Open(bundle.SignRaw(key, m, records), ring, now)
		if err == nil {
			drain(t, v, ops)
			return
		}
		var be *bundle.Error
		if !errors.As(err, &be) {
			t.Fatalf("refusal is not a *bundle.Error: %v", err)
		}
	})
}

// drain reads every op of v: there must be exactly n, with no error.
func drain(t *testing.T, v *bundle.Verified, n int) {
	t.Helper()
	for i := 0; ; i++ {
		op, err := v.Next()
		if err == io.EOF {
			if i != n {
				t.Fatalf("%d ops, the manifest says %d", i, n)
			}
			return
		}
		if err != nil {
			t.Fatalf("op %d after a successful Open: %v", i+1, err)
		}
		if op.Entry != nil && op.Entry.Token != op.Token {
			t.Fatalf("op %d: token %q, entry's %q", i+1, op.Token, op.Entry.Token)
		}
	}
}

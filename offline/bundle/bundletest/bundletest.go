package bundletest

import (
	"crypto/sha256"
	"os"
	"path/filepath"
	"testing"
	"time"

	"karta/offline"
	"karta/offline/bundle"
)

// Fixed times for tests: a bundle that expires at Expires is valid at Now.
var (
	Now     = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	Expires = Now.Add(30 * 24 * time.Hour)
)

// lifetime is how long before its expiry a helper's bundle is issued.
const lifetime = 30 * 24 * time.Hour

// Key returns the fixed test signing key "test".
func Key(t testing.TB) *bundle.SigningKey { return NewKey(t, "test") }

// NewKey returns the fixed test signing key of id: the same id gives the
// same key in every run.
func NewKey(t testing.TB, id string) *bundle.SigningKey {
	t.Helper()
	seed := sha256.Sum256([]byte("karta bundletest key " + id))
	k, err := bundle.NewSigningKey(id, seed[:])
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// Ring returns a key ring trusting keys.
func Ring(t testing.TB, keys ...*bundle.SigningKey) bundle.KeyRing {
	t.Helper()
	r := bundle.KeyRing{}
	for _, k := range keys {
		if err := r.Add(k.Public()); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// Snapshot makes a signed snapshot of entries (in any order).
func Snapshot(t testing.TB, key *bundle.SigningKey, list string, version uint64, entries []*offline.Entry, expires time.Time) *bundle.Bundle {
	t.Helper()
	w, err := bundle.NewSnapshot(list, version, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if err := w.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	return sign(t, w, key, expires)
}

// Delta makes a signed delta from base to version: ops with a nil Entry
// delete their token.
func Delta(t testing.TB, key *bundle.SigningKey, list string, base, version uint64, ops []offline.Op, expires time.Time) *bundle.Bundle {
	t.Helper()
	w, err := bundle.NewDelta(list, base, version, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		if err := w.Add(op); err != nil {
			t.Fatal(err)
		}
	}
	return sign(t, w, key, expires)
}

func sign(t testing.TB, w *bundle.Writer, key *bundle.SigningKey, expires time.Time) *bundle.Bundle {
	t.Helper()
	b, err := w.Sign(key, expires.Add(-lifetime), expires)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// WriteFile writes b into a file of the test's temporary directory and
// returns its path.
func WriteFile(t testing.TB, b *bundle.Bundle) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "test.bundle")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.WriteTo(f); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

package bundle_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/internal/golden"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

// The golden bundles under testdata were written by this package's first
// format and must stay readable by every later version (STYLE rule 12).
// go test -update rewrites them; do it only when the format changes on
// purpose, and keep the old files under another name then.
var goldenBundles = []struct {
	file string
	make func(t *testing.T, key *bundle.SigningKey) *bundle.Bundle
}{
	{"bus-fleet-v7.bundle", func(t *testing.T, key *bundle.SigningKey) *bundle.Bundle {
		return bundletest.Snapshot(t, key, "bus-fleet", 7, sampleEntries(), expires)
	}},
	{"bus-fleet-v8-delta.bundle", func(t *testing.T, key *bundle.SigningKey) *bundle.Bundle {
		return bundletest.Delta(t, key, "bus-fleet", 7, 8, deltaOps(), expires)
	}},
}

func updating() bool {
	f := flag.Lookup("update") // registered by internal/golden
	return f != nil && f.Value.String() == "true"
}

// TestGoldenKeyFiles pins the key file formats and the fixed test key.
func TestGoldenKeyFiles(t *testing.T) {
	k := bundletest.Key(t)
	dir := t.TempDir()
	if err := bundle.SaveSigningKey(filepath.Join(dir, "k"), k); err != nil {
		t.Fatal(err)
	}
	if err := bundle.SavePublicKey(filepath.Join(dir, "p"), k.Public()); err != nil {
		t.Fatal(err)
	}
	for from, to := range map[string]string{"k": "list-signing-test.key", "p": "list-public-test.pub"} {
		b, err := os.ReadFile(filepath.Join(dir, from))
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", to), b)
	}
}

// TestGoldenBundles opens the archived bundles with the archived public
// key, and checks that what they hold is what the Writer makes today.
func TestGoldenBundles(t *testing.T) {
	key := bundletest.Key(t)
	ring, err := bundle.LoadKeyRing(filepath.Join("testdata", "list-public-test.pub"))
	if err != nil {
		t.Fatal(err)
	}
	var dump strings.Builder
	for _, g := range goldenBundles {
		path := filepath.Join("testdata", g.file)
		if updating() {
			writeBundle(t, path, g.make(t, key))
		}
		archived := openFile(t, path, ring)
		fresh, err := bundle.Open(g.make(t, key), ring, now)
		if err != nil {
			t.Fatal(err)
		}
		got := dumpVerified(t, g.file, archived)
		if want := dumpVerified(t, g.file, fresh); got != want {
			t.Errorf("%s holds:\n%s\nthe Writer makes today:\n%s", g.file, got, want)
		}
		dump.WriteString(got)
	}
	golden.Check(t, filepath.Join("testdata", "bus-fleet.golden"), []byte(dump.String()))
}

func openFile(t *testing.T, path string, ring bundle.KeyRing) *bundle.Verified {
	t.Helper()
	b, err := bundle.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v, err := bundle.Open(b, ring, now)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// dumpVerified shows a version and its ops, one per line.
func dumpVerified(t *testing.T, name string, v *bundle.Verified) string {
	var b strings.Builder
	m := v.Manifest()
	fmt.Fprintf(&b, "== %s: %s, issued %s, expires %s, %d ops in %d chunks, key %s\n",
		name, m.Name(), m.Issued.Format("2006-01-02T15:04:05Z"), m.Expires.Format("2006-01-02T15:04:05Z"), m.Ops, len(m.Chunks), m.KeyID)
	for _, op := range readAll(t, v) {
		fmt.Fprintln(&b, opLine(op))
	}
	return b.String()
}

func opLine(op offline.Op) string {
	if op.Entry == nil {
		return "delete " + op.Token
	}
	e := *op.Entry
	e.Token = ""
	j, _ := json.Marshal(e) // an Entry always encodes
	return "put " + op.Token + " " + string(j)
}

func writeBundle(t *testing.T, path string, b *bundle.Bundle) {
	t.Helper()
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
}

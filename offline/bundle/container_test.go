package bundle_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

func fileBytes(t *testing.T, b *bundle.Bundle) []byte {
	t.Helper()
	var buf bytes.Buffer
	if _, err := b.WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestReadRefuses(t *testing.T) {
	key := bundletest.Key(t)
	good := fileBytes(t, bundletest.Snapshot(t, key, "bus-fleet", 7, sampleEntries(), expires))
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, bundle.ErrFormat},
		{"garbage", []byte("PK\x03\x04 this is a zip file"), bundle.ErrFormat},
		{"wrong magic", append([]byte("KARTA-BUNDLE 2\n"), good[15:]...), bundle.ErrFormat},
		{"magic only", good[:15], bundle.ErrTruncated},
		{"cut in the manifest", good[:100], bundle.ErrTruncated},
		{"cut in the last chunk", good[:len(good)-1], bundle.ErrTruncated},
		{"cut in a chunk length", append(bytes.Clone(good), 0, 0), bundle.ErrTruncated},
		{"huge manifest length", append([]byte("KARTA-BUNDLE 1\n\xff\xff\xff\xff"), good[19:]...), bundle.ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := bundle.Read(bytes.NewReader(tt.data))
			if !errors.Is(err, tt.want) || b != nil {
				t.Errorf("Read = %v, %v; want %v", b, err, tt.want)
			}
		})
	}
}

// TestReadFile reads a file, and names the file in an error.
func TestReadFile(t *testing.T) {
	key := bundletest.Key(t)
	path := bundletest.WriteFile(t, bundletest.Snapshot(t, key, "bus-fleet", 7, sampleEntries(), expires))
	b, err := bundle.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.Open(b, bundletest.Ring(t, key), now); err != nil {
		t.Error(err)
	}
	bad := filepath.Join(t.TempDir(), "bad.bundle")
	if err := os.WriteFile(bad, []byte("nope"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.ReadFile(bad); !errors.Is(err, bundle.ErrFormat) || !bytes.Contains([]byte(err.Error()), []byte(bad)) {
		t.Errorf("ReadFile(bad) = %v", err)
	}
	if _, err := bundle.ReadFile(filepath.Join(t.TempDir(), "none")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("ReadFile(missing) = %v", err)
	}
}

// TestCutAtChunkBoundary: a file cut between chunks reads, and Open finds
// the missing chunk.
func TestCutAtChunkBoundary(t *testing.T) {
	key := bundletest.Key(t)
	b := bundletest.Snapshot(t, key, "bus-fleet", 7, bundletest.Entries(20000), expires)
	data := fileBytes(t, b)
	last := len(b.Chunks[len(b.Chunks)-1]) + 4
	cut, err := bundle.Read(bytes.NewReader(data[:len(data)-last]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bundle.Open(cut, bundletest.Ring(t, key), now); !errors.Is(err, bundle.ErrTruncated) {
		t.Errorf("Open = %v, want ErrTruncated", err)
	}
}

// failWriter fails after n bytes, like a full USB stick.
type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteToFails(t *testing.T) {
	b := bundletest.Snapshot(t, bundletest.Key(t), "bus-fleet", 7, sampleEntries(), expires)
	n, err := b.WriteTo(&failWriter{n: 50})
	if err == nil || n != 50 {
		t.Errorf("WriteTo = %d, %v; want 50 and the error", n, err)
	}
}

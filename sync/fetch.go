package sync

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"karta/offline/bundle"
)

// fetch is one list version being downloaded. Its chunks are kept, each
// checked against the verified manifest, in a directory of their own
// ({dir}/lists/{list}/{version}-{base}/{i}.chunk), so that a download resumes
// after a reconnect or a restart with only the chunks it lacks.
//
// It asks for chunks a window at a time, each by its own retained topic:
// the broker sends what is retained at once, so the device holds at most
// a window of chunks in memory whatever the list's size, and after an
// interruption it asks for exactly the chunks it has not stored.
type fetch struct {
	step
	dir     string
	have    []bool
	stored  int
	asked   map[int]bool // chunk topics subscribed to
	started time.Time
	latest  time.Time // when the last chunk was stored or asked for
}

// fetchDir is where the chunks of a version are kept.
func fetchDir(root string, m *bundle.Manifest) string {
	return filepath.Join(listsDir(root), m.List, fmt.Sprintf("%d-%d", m.Version, m.Base))
}

func listsDir(root string) string { return filepath.Join(root, "lists") }

// openFetch starts or resumes the download of s: the chunks already on
// disk that still match the manifest are kept, others are removed.
func openFetch(root string, s step, now time.Time) (*fetch, error) {
	f := &fetch{step: s, dir: fetchDir(root, s.m), have: make([]bool, len(s.m.Chunks)),
		asked: map[int]bool{}, started: now, latest: now}
	if err := os.MkdirAll(f.dir, 0o750); err != nil {
		return nil, fmt.Errorf("sync: download %s: %w", s, err)
	}
	for i := range f.have {
		b, err := os.ReadFile(f.chunkPath(i))
		if err == nil && f.check(i, b) == nil {
			f.have[i] = true
			f.stored++
		} else if err == nil {
			os.Remove(f.chunkPath(i)) // torn by a power cut, or of another build
		}
	}
	return f, nil
}

func (f *fetch) chunkPath(i int) string { return filepath.Join(f.dir, strconv.Itoa(i)+".chunk") }

func (f *fetch) complete() bool { return f.stored == len(f.have) }

// is reports whether the fetch is of the version s names, with the same
// chunks.
func (f *fetch) is(s step) bool {
	a, b := f.m, s.m
	if a.List != b.List || a.Version != b.Version || a.Base != b.Base || len(a.Chunks) != len(b.Chunks) {
		return false
	}
	for i := range a.Chunks {
		if a.Chunks[i] != b.Chunks[i] {
			return false
		}
	}
	return true
}

// check compares chunk i with what the manifest says of it.
func (f *fetch) check(i int, b []byte) error {
	want := f.m.Chunks[i]
	if len(b) != want.Size {
		return fmt.Errorf("%w: chunk %d of %d of %s: %d bytes, the manifest says %d", bundle.ErrCorruptChunk, i+1, len(f.have), f.step, len(b), want.Size)
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != want.SHA256 {
		return fmt.Errorf("%w: chunk %d of %d of %s: sha256 differs from the manifest", bundle.ErrCorruptChunk, i+1, len(f.have), f.step)
	}
	return nil
}

// store checks and keeps chunk i; it reports whether the chunk was new.
func (f *fetch) store(i int, b []byte, now time.Time) (bool, error) {
	if i >= len(f.have) {
		return false, fmt.Errorf("%w: chunk %d of %s, which has %d", bundle.ErrCorruptChunk, i+1, f.step, len(f.have))
	}
	if f.have[i] {
		return false, nil
	}
	if err := f.check(i, b); err != nil {
		return false, err
	}
	if err := writeFile(f.chunkPath(i), b); err != nil {
		return false, fmt.Errorf("sync: keep chunk %d of %s: %w", i+1, f.step, err)
	}
	f.have[i] = true
	f.stored++
	f.latest = now
	return true, nil
}

// bundle reads the stored chunks back, in order.
func (f *fetch) bundle() (*bundle.Bundle, error) {
	b := &bundle.Bundle{Signed: f.signed, Chunks: make([][]byte, len(f.have))}
	for i := range f.have {
		c, err := os.ReadFile(f.chunkPath(i))
		if err != nil {
			return nil, fmt.Errorf("sync: read chunk %d of %s: %w", i+1, f.step, err)
		}
		b.Chunks[i] = c
	}
	return b, nil
}

// next returns the missing chunks not asked for yet, lowest first, to fill
// a window of n.
func (f *fetch) next(n int) []int {
	var out []int
	for i := 0; i < len(f.have) && len(f.asked)+len(out) < n; i++ {
		if !f.have[i] && !f.asked[i] {
			out = append(out, i)
		}
	}
	return out
}

// writeFile writes through a temporary file and a rename: a chunk file is
// whole or absent (a torn one fails its sha256 and is fetched again).
func writeFile(path string, b []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o640); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// parseChunkTopic reads lists/{list}/{version}/{base}/{i}.
func parseChunkTopic(topic string) (list string, version, base uint64, i int, err error) {
	rest, ok := strings.CutPrefix(topic, Root+"lists/")
	parts := strings.Split(rest, "/")
	if !ok || len(parts) != 4 || parts[0] == "" {
		return "", 0, 0, 0, bad("not a chunk topic: %q", topic)
	}
	version, err1 := strconv.ParseUint(parts[1], 10, 64)
	base, err2 := strconv.ParseUint(parts[2], 10, 64)
	n, err3 := strconv.ParseUint(parts[3], 10, 31)
	if err := errors.Join(err1, err2, err3); err != nil {
		return "", 0, 0, 0, bad("chunk topic %q: %v", topic, err)
	}
	if ChunkTopic(parts[0], version, base, int(n)) != topic {
		return "", 0, 0, 0, bad("chunk topic %q: numbers not in their plain form", topic)
	}
	return parts[0], version, base, int(n), nil
}

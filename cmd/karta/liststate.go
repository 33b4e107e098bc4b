package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"karta/central/registry"
	"karta/offline"
)

// A state file is the tokenized registry of one built version, for
// building the next version's delta: a header line, then one registry
// JSONL row per entry, by token, with no card numbers:
//
//	{"karta_list_state":1,"list":"bus-fleet","version":7,"entries":2}
//	{"token":"k1.…","category":"pensioner","bus_discount":"100"}
//
// The registry reader skips the header (registry.StateHeader), so a state file is also a
// registry export of tokens (to re-sign a version with a new expiry).
type stateHeader struct {
	State   int    `json:"karta_list_state"`
	List    string `json:"list"`
	Version uint64 `json:"version"`
	Entries int    `json:"entries"`
}

// writeState writes entries, sorted by token, as the state of list at version.
func writeState(w io.Writer, list string, version uint64, entries []*offline.Entry) error {
	h, err := json.Marshal(stateHeader{State: 1, List: list, Version: version, Entries: len(entries)})
	if err != nil {
		return err
	}
	b := append(h, '\n')
	for _, e := range sortedEntries(entries) {
		b = append(registry.AppendJSON(b, e), '\n')
		if len(b) > 1<<20 {
			if _, err := w.Write(b); err != nil {
				return err
			}
			b = b[:0]
		}
	}
	_, err = w.Write(b)
	return err
}

func sortedEntries(entries []*offline.Entry) []*offline.Entry {
	s := slices.Clone(entries)
	slices.SortFunc(s, func(a, b *offline.Entry) int { return strings.Compare(a.Token, b.Token) })
	return s
}

// readState reads the state file of list at version: token → encoded entry.
func readState(path, list string, version uint64) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	first, _, _ := bytes.Cut(data, []byte("\n"))
	var h stateHeader
	if err := json.Unmarshal(first, &h); err != nil || h.State != 1 {
		return nil, fmt.Errorf("%s: not a karta list state file (karta list build --state writes them)", path)
	}
	if h.List != list || h.Version != version {
		return nil, fmt.Errorf("%s holds %s v%d, not %s v%d", path, h.List, h.Version, list, version)
	}
	entries, err := stateEntries(data, path)
	if err == nil && len(entries) != h.Entries {
		err = fmt.Errorf("%s: %d entries, its header says %d", path, len(entries), h.Entries)
	}
	return entries, err
}

func stateEntries(data []byte, path string) (map[string]string, error) {
	rows, err := registry.NewReader(bytes.NewReader(data), "jsonl", nil)
	if err != nil {
		return nil, err
	}
	entries := map[string]string{}
	for {
		e, err := rows.Next()
		if errors.Is(err, io.EOF) {
			return entries, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		entries[e.Token] = string(offline.AppendEntry(nil, e))
	}
}

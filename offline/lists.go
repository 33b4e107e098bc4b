package offline

import (
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

// ListState is an installed list version.
type ListState struct {
	ListVersion
	Entries   int       `json:"entries"`
	Installed time.Time `json:"installed"`
	Bucket    string    `json:"bucket"` // where its entries live
}

// Age is how long ago central issued the installed version.
func (s ListState) Age(now time.Time) time.Duration { return now.Sub(s.Issued) }

// Expired reports whether the version is past its manifest's expiry.
func (s ListState) Expired(now time.Time) bool { return !s.Expires.IsZero() && now.After(s.Expires) }

var metaBucket = []byte("meta")

// Lists is the device's lists.db: every installed list, each in a bucket
// of token → entry. It is safe for concurrent use; lookups never wait for
// an install.
type Lists struct {
	db  *bolt.DB
	now func() time.Time

	installMu sync.Mutex // one install at a time
	mu        sync.RWMutex
	states    map[string]ListState
}

// ListsOptions tune OpenLists.
type ListsOptions struct {
	Now     func() time.Time // the clock; nil: time.Now
	Timeout time.Duration    // waiting for the file lock; 0: 1s
	// ReadOnly opens for inspection (selftest): nothing is written, not even
	// the clean-up of a crashed install; Install fails.
	ReadOnly bool
}

// OpenLists opens (or creates) lists.db at path, and drops what a crashed
// install left behind.
func OpenLists(path string, opts ListsOptions) (*Lists, error) {
	db, err := openDB(path, opts.Timeout, opts.ReadOnly)
	if err != nil {
		return nil, err
	}
	l := &Lists{db: db, now: opts.Now, states: map[string]ListState{}}
	if l.now == nil {
		l.now = time.Now
	}
	load := db.Update
	if opts.ReadOnly {
		load = db.View
	}
	if err := load(l.load); err != nil {
		db.Close()
		return nil, fmt.Errorf("offline: open %s: %w", path, err)
	}
	return l, nil
}

func openDB(path string, timeout time.Duration, readOnly bool) (*bolt.DB, error) {
	if timeout == 0 {
		timeout = time.Second
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: timeout, FreelistType: bolt.FreelistMapType, ReadOnly: readOnly})
	if err != nil {
		return nil, fmt.Errorf("offline: open %s: %w", path, err)
	}
	return db, nil
}

// load reads the states and, when writable, deletes buckets no state
// points to.
func (l *Lists) load(tx *bolt.Tx) error {
	meta := tx.Bucket(metaBucket)
	if meta == nil && !tx.Writable() {
		return nil // a store never written: no lists
	}
	if meta == nil {
		var err error
		if meta, err = tx.CreateBucket(metaBucket); err != nil {
			return err
		}
	}
	err := meta.ForEach(func(k, v []byte) error {
		var s ListState
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("%w: state of list %s: %v", ErrCorrupt, k, err)
		}
		l.states[string(k)] = s
		return nil
	})
	if err != nil || !tx.Writable() {
		return err
	}
	return l.dropOrphans(tx)
}

func (l *Lists) dropOrphans(tx *bolt.Tx) error {
	live := map[string]bool{string(metaBucket): true}
	for _, s := range l.states {
		live[s.Bucket] = true
	}
	var orphans [][]byte
	tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
		if !live[string(name)] {
			orphans = append(orphans, append([]byte(nil), name...))
		}
		return nil
	})
	for _, name := range orphans {
		if err := tx.DeleteBucket(name); err != nil {
			return err
		}
	}
	return nil
}

// Close closes the file.
func (l *Lists) Close() error { return l.db.Close() }

// State returns the installed version of a list.
func (l *Lists) State(list string) (ListState, bool) {
	l.mu.RLock()
	defer l.mu.RUnlock()
	s, ok := l.states[list]
	return s, ok
}

// States returns every installed list.
func (l *Lists) States() []ListState {
	l.mu.RLock()
	defer l.mu.RUnlock()
	out := make([]ListState, 0, len(l.states))
	for _, s := range l.states {
		out = append(out, s)
	}
	return out
}

// Get returns the entry for token in list; nil when the list has none.
func (l *Lists) Get(list, token string) (*Entry, error) {
	s, ok := l.State(list)
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoList, list)
	}
	var e *Entry
	err := l.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(s.Bucket))
		if b == nil {
			return fmt.Errorf("%w: bucket of list %s missing", ErrCorrupt, list)
		}
		v := b.Get([]byte(token))
		if v == nil {
			return nil
		}
		var err error
		e, err = DecodeEntry(token, v)
		return err
	})
	return e, err
}

func bucketName(list string, snapshot uint64) string {
	return fmt.Sprintf("list/%s/%d", list, snapshot)
}

func validListName(name string) bool {
	return name != "" && len(name) <= 64 && !strings.ContainsAny(name, "/ \t\n") && name != string(metaBucket)
}

package offline

import (
	"encoding/binary"
	"fmt"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"
)

var (
	tapsBucket     = []byte("taps")
	countersBucket = []byte("counters")
	jmetaBucket    = []byte("meta")
	keyNextSeq     = []byte("next_seq")
	keyBoot        = []byte("boot")
)

// Journal is the device's journal.db: every tap under its seq, kept until
// central acks it, and the cards' counters, written in the same transaction
// as the tap that changed them. Append returns only once the tap is on disk
// (bbolt fsyncs each commit). It is safe for concurrent use.
type Journal struct {
	db   *bolt.DB
	opts JournalOptions
	boot uint32

	mu       sync.Mutex
	nextSeq  uint64
	backlog  int
	counters map[string]Counters
}

// JournalOptions tune OpenJournal.
type JournalOptions struct {
	// MaxTaps is how many unsynced taps the journal holds before it refuses
	// new ones (ErrJournalFull); 0: 500,000.
	MaxTaps int
	// KeepCounters drops a card's counters this long after its last tap;
	// 0: 62 days (a monthly limit needs last month's rides).
	KeepCounters time.Duration
	Now          func() time.Time
	Timeout      time.Duration // waiting for the file lock; 0: 1s
	// ReadOnly opens for inspection (selftest): no boot is counted, nothing
	// is written; Append and Ack fail.
	ReadOnly bool
}

func (o *JournalOptions) defaults() {
	if o.MaxTaps == 0 {
		o.MaxTaps = 500_000
	}
	if o.KeepCounters == 0 {
		o.KeepCounters = 62 * 24 * time.Hour
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// OpenJournal opens (or creates) journal.db, counts a new boot, and loads
// the counters.
func OpenJournal(path string, opts JournalOptions) (*Journal, error) {
	opts.defaults()
	db, err := openDB(path, opts.Timeout, opts.ReadOnly)
	if err != nil {
		return nil, err
	}
	j := &Journal{db: db, opts: opts, counters: map[string]Counters{}}
	load := db.Update
	if opts.ReadOnly {
		load = db.View
	}
	if err := load(j.load); err != nil {
		db.Close()
		return nil, fmt.Errorf("offline: open %s: %w", path, err)
	}
	return j, nil
}

func (j *Journal) load(tx *bolt.Tx) error {
	if !tx.Writable() {
		return j.inspect(tx)
	}
	for _, name := range [][]byte{tapsBucket, countersBucket, jmetaBucket} {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return err
		}
	}
	meta := tx.Bucket(jmetaBucket)
	j.nextSeq = max(getUint(meta, keyNextSeq), 1)
	j.boot = uint32(getUint(meta, keyBoot)) + 1
	if err := putUint(meta, keyBoot, uint64(j.boot)); err != nil {
		return err
	}
	j.backlog = tx.Bucket(tapsBucket).Stats().KeyN
	return j.loadCounters(tx.Bucket(countersBucket))
}

// inspect reads the state of a journal opened read-only; Boot is the last
// boot that wrote it.
func (j *Journal) inspect(tx *bolt.Tx) error {
	meta, taps := tx.Bucket(jmetaBucket), tx.Bucket(tapsBucket)
	if meta == nil || taps == nil {
		return fmt.Errorf("%w: journal never opened by an agent", ErrNoJournal)
	}
	j.nextSeq = max(getUint(meta, keyNextSeq), 1)
	j.boot = uint32(getUint(meta, keyBoot))
	j.backlog = taps.Stats().KeyN
	return nil
}

func (j *Journal) loadCounters(b *bolt.Bucket) error {
	var stale [][]byte
	now := j.opts.Now()
	err := b.ForEach(func(k, v []byte) error {
		c, err := decodeCounters(v)
		if err != nil {
			return fmt.Errorf("card %s: %w", k, err)
		}
		if c.stale(now, j.opts.KeepCounters) {
			stale = append(stale, append([]byte(nil), k...))
		} else {
			j.counters[string(k)] = c
		}
		return nil
	})
	for _, k := range stale {
		if err == nil {
			err = b.Delete(k)
		}
	}
	return err
}

// Close closes the file.
func (j *Journal) Close() error { return j.db.Close() }

// Boot is the number of this start of the journal's owner.
func (j *Journal) Boot() uint32 { return j.boot }

// Counters returns a copy of a card's counters (zero if none).
func (j *Journal) Counters(token string) Counters {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.counters[token].Clone()
}

func seqKey(seq uint64) []byte { return binary.BigEndian.AppendUint64(nil, seq) }

func getUint(b *bolt.Bucket, k []byte) uint64 {
	if v := b.Get(k); len(v) == 8 {
		return binary.BigEndian.Uint64(v)
	}
	return 0
}

func putUint(b *bolt.Bucket, k []byte, v uint64) error {
	return b.Put(k, binary.BigEndian.AppendUint64(nil, v))
}

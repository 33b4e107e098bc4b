package offline

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Append journals t under the next seq, with new counters for the card
// known as key (nil: unchanged), and returns once both are on disk. t.Seq and t.Boot are set
// by the journal. A full journal refuses with ErrJournalFull and a failing
// disk with ErrStorage: then nothing was written, no seq was used, and the
// journal holds exactly what it held.
func (j *Journal) Append(t *Tap, key string, c *Counters) (uint64, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.backlog >= j.opts.MaxTaps {
		return 0, fmt.Errorf("%w: %d of %d", ErrJournalFull, j.backlog, j.opts.MaxTaps)
	}
	t.Seq, t.Boot = j.nextSeq, j.boot
	rec, err := encodeTap(t)
	if err != nil {
		return 0, fmt.Errorf("offline: encode tap: %w", err)
	}
	if err := j.db.Update(func(tx *bolt.Tx) error { return j.write(tx, t, rec, key, c) }); err != nil {
		t.Seq = 0
		return 0, fmt.Errorf("%w: tap %d: %w", ErrStorage, j.nextSeq, err)
	}
	j.nextSeq++
	j.backlog++
	if c != nil && key != "" {
		j.counters[key] = c.Clone()
	}
	return t.Seq, nil
}

func (j *Journal) write(tx *bolt.Tx, t *Tap, rec []byte, key string, c *Counters) error {
	if err := tx.Bucket(tapsBucket).Put(seqKey(t.Seq), rec); err != nil {
		return err
	}
	if c != nil && key != "" {
		cb, err := encodeCounters(c)
		if err != nil {
			return err
		}
		if err := tx.Bucket(countersBucket).Put([]byte(key), cb); err != nil {
			return err
		}
	}
	return putUint(tx.Bucket(jmetaBucket), keyNextSeq, t.Seq+1)
}

// Range returns up to max journaled taps with seq ≥ from, in seq order:
// what sync sends to central.
func (j *Journal) Range(from uint64, max int) ([]Tap, error) {
	var out []Tap
	err := j.db.View(func(tx *bolt.Tx) error {
		cur := tx.Bucket(tapsBucket).Cursor()
		for k, v := cur.Seek(seqKey(from)); k != nil && len(out) < max; k, v = cur.Next() {
			t, err := decodeTap(v)
			if err != nil {
				return fmt.Errorf("seq %x: %w", k, err)
			}
			out = append(out, t)
		}
		return nil
	})
	return out, err
}

// Ack drops the taps with seq in [from, to]: central has stored them. Acks
// may repeat and overlap; taps not acked are never dropped.
func (j *Journal) Ack(from, to uint64) (int, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	n := 0
	err := j.db.Update(func(tx *bolt.Tx) error {
		n = 0
		cur := tx.Bucket(tapsBucket).Cursor()
		for k, _ := cur.Seek(seqKey(from)); k != nil && beUint(k) <= to; k, _ = cur.Next() {
			if err := cur.Delete(); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("%w: ack %d-%d: %w", ErrStorage, from, to, err)
	}
	j.backlog -= n
	return n, nil
}

func beUint(k []byte) uint64 {
	if len(k) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(k)
}

// JournalStats is the journal's state for metrics, status and alarms.
type JournalStats struct {
	NextSeq  uint64
	Boot     uint32
	Backlog  int // taps not yet acked
	Capacity int
	Alarm    bool // backlog at or past 80 % of capacity
}

// Stats returns the journal's state.
func (j *Journal) Stats() JournalStats {
	j.mu.Lock()
	defer j.mu.Unlock()
	return JournalStats{NextSeq: j.nextSeq, Boot: j.boot, Backlog: j.backlog, Capacity: j.opts.MaxTaps,
		Alarm: j.backlog*5 >= j.opts.MaxTaps*4}
}

// Check verifies journal.db: bbolt's page consistency, every tap record
// decodes, seqs below next_seq.
func (j *Journal) Check() error {
	return j.db.View(func(tx *bolt.Tx) error {
		if err := checkTx(tx); err != nil {
			return err
		}
		next := getUint(tx.Bucket(jmetaBucket), keyNextSeq)
		return tx.Bucket(tapsBucket).ForEach(func(k, v []byte) error {
			if _, err := decodeTap(v); err != nil {
				return fmt.Errorf("seq %d: %w", beUint(k), err)
			}
			if beUint(k) >= next {
				return fmt.Errorf("%w: tap seq %d at or past next_seq %d", ErrCorrupt, beUint(k), next)
			}
			return nil
		})
	})
}

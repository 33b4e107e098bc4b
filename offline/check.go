package offline

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// Check verifies lists.db: bbolt's own page consistency, and that every
// installed list has its bucket with as many entries as its state says. It
// reads the whole file; selftest runs it, the tap path never does.
func (l *Lists) Check() error {
	return l.db.View(func(tx *bolt.Tx) error {
		if err := checkTx(tx); err != nil {
			return err
		}
		for _, s := range l.States() {
			b := tx.Bucket([]byte(s.Bucket))
			if b == nil {
				return fmt.Errorf("%w: list %s: bucket %s missing", ErrCorrupt, s.List, s.Bucket)
			}
			if n := b.Stats().KeyN; n != s.Entries {
				return fmt.Errorf("%w: list %s: %d entries, state says %d", ErrCorrupt, s.List, n, s.Entries)
			}
		}
		return nil
	})
}

// checkTx runs bbolt's check to the end (its goroutine must be drained)
// and returns the first problem.
func checkTx(tx *bolt.Tx) error {
	var first error
	for err := range tx.Check() {
		if first == nil {
			first = fmt.Errorf("%w: %v", ErrCorrupt, err)
		}
	}
	return first
}

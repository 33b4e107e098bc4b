package offline

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// installBatch is how many snapshot entries go into one transaction: large
// enough to amortise the fsync, small enough to bound a transaction's memory.
const installBatch = 100_000

// Install applies a verified list version: a snapshot is written into a
// fresh bucket and swapped in atomically; a delta applies onto its exact
// base in one transaction. A lower or equal version (ErrRollback), a delta
// on another base (ErrWrongBase), an expired version (ErrExpired) and any
// error of src leave the installed list as it was. progress, if not nil, is
// called with the number of ops done so far.
func (l *Lists) Install(v ListVersion, src OpSource, progress func(done int)) error {
	l.installMu.Lock()
	defer l.installMu.Unlock()
	if err := l.admit(v); err != nil {
		return err
	}
	if progress == nil {
		progress = func(int) {}
	}
	if v.Snapshot() {
		return l.installSnapshot(v, src, progress)
	}
	return l.applyDelta(v, src, progress)
}

func (l *Lists) admit(v ListVersion) error {
	if !validListName(v.List) {
		return fmt.Errorf("offline: list name %q is not valid", v.List)
	}
	if !v.Expires.IsZero() && l.now().After(v.Expires) {
		return fmt.Errorf("%w: %s v%d expired at %s", ErrExpired, v.List, v.Version, v.Expires.Format("2006-01-02 15:04"))
	}
	cur, ok := l.State(v.List)
	switch {
	case ok && v.Version <= cur.Version:
		return fmt.Errorf("%w: %s v%d offered, v%d installed", ErrRollback, v.List, v.Version, cur.Version)
	case !v.Snapshot() && (!ok || cur.Version != v.Base):
		return fmt.Errorf("%w: %s delta v%d→v%d, installed v%d", ErrWrongBase, v.List, v.Base, v.Version, cur.Version)
	}
	return nil
}

func (l *Lists) installSnapshot(v ListVersion, src OpSource, progress func(int)) error {
	name := []byte(bucketName(v.List, v.Version))
	if err := l.db.Update(func(tx *bolt.Tx) error { return freshBucket(tx, name) }); err != nil {
		return fmt.Errorf("%w: %w", ErrStorage, err)
	}
	n, err := l.fill(name, src, progress)
	if err == nil && n != v.Ops {
		err = fmt.Errorf("%w: %s v%d brought %d entries, its manifest says %d", ErrCorrupt, v.List, v.Version, n, v.Ops)
	}
	if err != nil {
		l.db.Update(func(tx *bolt.Tx) error { return tx.DeleteBucket(name) }) // best effort; reopened stores drop orphans too
		return fmt.Errorf("offline: install %s v%d: %w", v.List, v.Version, err)
	}
	return l.swap(v, string(name), n)
}

func freshBucket(tx *bolt.Tx, name []byte) error {
	if err := tx.DeleteBucket(name); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
		return err
	}
	_, err := tx.CreateBucket(name)
	return err
}

// fill writes the snapshot's puts in batches; it returns the count. An
// error of src comes back as it is; one of the disk wraps ErrStorage.
func (l *Lists) fill(name []byte, src OpSource, progress func(int)) (int, error) {
	n := 0
	for eof := false; !eof; {
		var srcErr error
		err := l.db.Update(func(tx *bolt.Tx) error {
			b := tx.Bucket(name)
			b.FillPercent = 0.95 // snapshots arrive in key order
			var err error
			eof, srcErr, err = putBatch(b, src, &n)
			return cmpErr(srcErr, err)
		})
		switch {
		case srcErr != nil:
			return n, srcErr
		case err != nil:
			return n, fmt.Errorf("%w: %w", ErrStorage, err)
		}
		progress(n)
	}
	return n, nil
}

func putBatch(b *bolt.Bucket, src OpSource, n *int) (eof bool, srcErr, err error) {
	var arena []byte // values must live as long as the transaction
	for i := 0; i < installBatch; i++ {
		op, err := src.Next()
		if errors.Is(err, io.EOF) {
			return true, nil, nil
		}
		if err != nil {
			return false, err, nil
		}
		if op.Entry == nil {
			return false, fmt.Errorf("%w: a snapshot deletes %s", ErrCorrupt, op.Token), nil
		}
		start := len(arena)
		arena = AppendEntry(arena, op.Entry)
		if err := b.Put([]byte(op.Token), arena[start:len(arena):len(arena)]); err != nil {
			return false, nil, err
		}
		*n++
	}
	return false, nil, nil
}

func cmpErr(first, second error) error {
	if first != nil {
		return first
	}
	return second
}

// swap points the list at its new bucket and drops the old one, in one
// transaction: a power cut leaves either version whole.
func (l *Lists) swap(v ListVersion, bucket string, n int) error {
	s := ListState{ListVersion: v, Entries: n, Installed: l.now(), Bucket: bucket}
	old, hadOld := l.State(v.List)
	err := l.db.Update(func(tx *bolt.Tx) error {
		if hadOld && old.Bucket != bucket {
			if err := tx.DeleteBucket([]byte(old.Bucket)); err != nil && !errors.Is(err, bolt.ErrBucketNotFound) {
				return err
			}
		}
		return putState(tx, s)
	})
	if err != nil {
		return fmt.Errorf("%w: install %s v%d: %w", ErrStorage, v.List, v.Version, err)
	}
	l.setState(s)
	return nil
}

func putState(tx *bolt.Tx, s ListState) error {
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return tx.Bucket(metaBucket).Put([]byte(s.List), b)
}

func (l *Lists) setState(s ListState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.states[s.List] = s
}

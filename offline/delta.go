package offline

import (
	"errors"
	"fmt"
	"io"

	bolt "go.etcd.io/bbolt"
)

// applyDelta applies every op of a delta onto the installed bucket in one
// transaction, with the new state: all or nothing.
func (l *Lists) applyDelta(v ListVersion, src OpSource, progress func(int)) error {
	cur, _ := l.State(v.List) // admit checked it is installed at v.Base
	s := ListState{ListVersion: v, Entries: cur.Entries, Installed: l.now(), Bucket: cur.Bucket}
	var srcErr error
	err := l.db.Update(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(cur.Bucket))
		if b == nil {
			return fmt.Errorf("%w: bucket of list %s missing", ErrCorrupt, v.List)
		}
		var n int
		n, srcErr = applyOps(b, src, &s.Entries)
		if srcErr == nil && n != v.Ops {
			srcErr = fmt.Errorf("%w: delta brought %d changes, its manifest says %d", ErrCorrupt, n, v.Ops)
		}
		if srcErr != nil {
			return srcErr
		}
		progress(n)
		return putState(tx, s)
	})
	if err != nil && srcErr == nil {
		err = fmt.Errorf("%w: %w", ErrStorage, err)
	}
	if err != nil {
		return fmt.Errorf("offline: delta %s v%d→v%d: %w", v.List, v.Base, v.Version, err)
	}
	l.setState(s)
	return nil
}

func applyOps(b *bolt.Bucket, src OpSource, entries *int) (int, error) {
	n := 0
	for {
		op, err := src.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		if err := applyOp(b, op, entries); err != nil {
			return n, fmt.Errorf("%w: %w", ErrStorage, err)
		}
		n++
	}
}

func applyOp(b *bolt.Bucket, op Op, entries *int) error {
	key := []byte(op.Token)
	existed := b.Get(key) != nil
	if op.Entry == nil {
		if existed {
			*entries--
		}
		return b.Delete(key)
	}
	if !existed {
		*entries++
	}
	return b.Put(key, AppendEntry(nil, op.Entry))
}

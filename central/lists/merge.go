package lists

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"iter"

	"karta/central/store"
	"karta/offline"
	"karta/offline/bundle"
)

// merged is one list's audience merged with its head's members: the
// snapshot of the new version, the delta from the head (nil when none is
// built), and the member changes.
type merged struct {
	version, head uint64
	snap, delta   *bundle.Writer
	put           []store.Member
	del           []string
	puts          int // puts of the delta: added or changed entries

	prev string // the last audience token, to check the order
	enc  []byte
}

func (m *merged) changes() int { return m.puts + len(m.del) }

// merge streams the audience of t and the members of its head, both in
// token order, into a snapshot of version and (withDelta) a delta from
// head.
func (b *Builder) merge(ctx context.Context, t Target, version, head uint64, withDelta bool) (*merged, error) {
	m := &merged{version: version, head: head}
	var err error
	opt := bundle.Options{ChunkSize: b.Chunk}
	if m.snap, err = bundle.NewSnapshot(t.List, version, opt); err != nil {
		return nil, err
	}
	if withDelta {
		if m.delta, err = bundle.NewDelta(t.List, head, version, opt); err != nil {
			return nil, err
		}
	}
	var scanErr error
	next, stop := iter.Pull(b.members(ctx, t.List, &scanErr))
	defer stop()
	cur, more := next()
	err = b.Store.ScanAudience(ctx, t.Audience, func(e *offline.Entry) error {
		for ; more && cur.Token < e.Token; cur, more = next() {
			if err := m.gone(cur.Token); err != nil {
				return err
			}
		}
		same := more && cur.Token == e.Token
		err := m.entry(e, cur, same)
		if same {
			cur, more = next()
		}
		return err
	})
	for ; err == nil && more; cur, more = next() {
		err = m.gone(cur.Token)
	}
	return m, errors.Join(err, scanErr)
}

// members yields the members of the list's head; an error ends the
// sequence and is left in *errp.
func (b *Builder) members(ctx context.Context, list string, errp *error) iter.Seq[store.Member] {
	stopped := errors.New("stopped")
	return func(yield func(store.Member) bool) {
		err := b.Store.ScanMembers(ctx, list, func(m store.Member) error {
			if !yield(m) {
				return stopped
			}
			return nil
		})
		if err != nil && !errors.Is(err, stopped) {
			*errp = err
		}
	}
}

// entry takes one audience entry: into the snapshot always, and into the
// delta and the member changes when it is new or changed (had: the head
// held its token, with old's hash).
func (m *merged) entry(e *offline.Entry, old store.Member, had bool) error {
	if e.Token <= m.prev {
		return fmt.Errorf("audience out of token order at entry %d", m.snap.Len()+1)
	}
	m.prev = e.Token
	if err := m.snap.Put(e); err != nil {
		return err
	}
	m.enc = offline.AppendEntry(m.enc[:0], e)
	h := hash(m.enc)
	if had && old.Hash == h {
		return nil
	}
	m.put = append(m.put, store.Member{Token: e.Token, Hash: h})
	m.puts++
	if m.delta == nil {
		return nil
	}
	return m.delta.Put(e)
}

// gone takes a member of the head that left the audience.
func (m *merged) gone(token string) error {
	m.del = append(m.del, token)
	if m.delta == nil {
		return nil
	}
	return m.delta.Delete(token)
}

// hash is the first 8 bytes of the sha256 of an entry's encoding: a
// change is missed only if two encodings collide in 64 bits.
func hash(enc []byte) uint64 {
	sum := sha256.Sum256(enc)
	return binary.BigEndian.Uint64(sum[:8])
}

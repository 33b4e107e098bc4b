package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// Member is a token of a built list version and a hash of its entry's
// encoding: enough to tell, for the next version, what changed.
type Member struct {
	Token string
	Hash  uint64
}

// ListHead returns the version whose members list_members holds for list,
// 0 if none was built.
func (s *Store) ListHead(ctx context.Context, list string) (uint64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT version FROM list_heads WHERE list = ?`), list).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return uint64(v), wrap(err, "head of list %s", list)
}

// ScanMembers calls fn with each member of list's head version in token
// order (bytewise), without holding them all in memory; an error from fn
// stops the scan and is returned.
func (s *Store) ScanMembers(ctx context.Context, list string, fn func(Member) error) error {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT token, hash FROM list_members
		WHERE list = ? ORDER BY token`), list)
	if err != nil {
		return wrap(err, "members of list %s", list)
	}
	defer rows.Close()
	for rows.Next() {
		var m Member
		var h int64
		if err = rows.Scan(&m.Token, &h); err == nil {
			m.Hash = uint64(h)
			err = fn(m)
		}
		if err != nil {
			return wrap(err, "members of list %s", list)
		}
	}
	return wrap(rows.Err(), "members of list %s", list)
}

// ListBuild is one built version of a list: its snapshot, its delta from
// the head when there is one, and how its members differ from the head's.
type ListBuild struct {
	Head     uint64   // the head the build started from; 0: none
	Snapshot ListRow  // Base 0, Version above Head
	Delta    *ListRow // Head → Snapshot.Version; nil: none
	Put      []Member // members new or changed since Head
	Delete   []string // tokens of Head that are no longer members
}

// SaveBuild stores a build in one transaction: the snapshot's and the
// delta's rows and chunks, the member changes, and the head moved from
// b.Head to the new version. When another build got there first (the head
// moved, or the version is stored) it stores nothing and returns
// ErrExists.
func (s *Store) SaveBuild(ctx context.Context, b ListBuild) error {
	sn := &b.Snapshot
	if err := checkBuild(&b); err != nil {
		return err
	}
	if sn.Created.IsZero() {
		sn.Created = s.now()
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		if err := s.moveHead(ctx, tx, sn.List, b.Head, sn.Version, sn.Created); err != nil {
			return err
		}
		for _, l := range []*ListRow{sn, b.Delta} {
			if err := s.insertListTx(ctx, tx, l); err != nil {
				return err
			}
		}
		if err := s.deleteMembers(ctx, tx, sn.List, b.Delete); err != nil {
			return err
		}
		return s.putMembers(ctx, tx, sn.List, b.Put)
	})
	return wrap(err, "save build of list %s v%d", sn.List, sn.Version)
}

func checkBuild(b *ListBuild) error {
	sn, d := &b.Snapshot, b.Delta
	switch {
	case sn.List == "" || sn.Base != 0 || sn.Version <= b.Head || sn.Version > math.MaxInt64 || len(sn.Signed) == 0:
		return fmt.Errorf("%w: build of list %q v%d base %d from head %d", ErrInvalid, sn.List, sn.Version, sn.Base, b.Head)
	case d != nil && (d.List != sn.List || d.Version != sn.Version || d.Base != b.Head || b.Head == 0 || len(d.Signed) == 0):
		return fmt.Errorf("%w: delta of list %q v%d base %d with snapshot v%d from head %d",
			ErrInvalid, d.List, d.Version, d.Base, sn.Version, b.Head)
	}
	return nil
}

// moveHead moves list's head from old to version, or fails with ErrExists
// when it is not at old any more.
func (s *Store) moveHead(ctx context.Context, tx *sql.Tx, list string, old, version uint64, at time.Time) error {
	var res sql.Result
	var err error
	if old == 0 {
		res, err = tx.ExecContext(ctx, s.d.rebind(`INSERT INTO list_heads (list, version, built_us) VALUES (?, ?, ?)
			ON CONFLICT (list) DO NOTHING`), list, int64(version), us(at))
	} else {
		res, err = tx.ExecContext(ctx, s.d.rebind(`UPDATE list_heads SET version = ?, built_us = ?
			WHERE list = ? AND version = ?`), int64(version), us(at), list, int64(old))
	}
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return errors.Join(err, fmt.Errorf("%w: list %s was built past v%d meanwhile", ErrExists, list, old))
	}
	return nil
}

// insertListTx writes a version (nil: none) and its chunks in tx; Created,
// if zero, becomes now.
func (s *Store) insertListTx(ctx context.Context, tx *sql.Tx, l *ListRow) error {
	if l == nil {
		return nil
	}
	if l.Created.IsZero() {
		l.Created = s.now()
	}
	if err := s.insertList(ctx, tx, l); err != nil {
		return err
	}
	for i, c := range l.Chunks {
		_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO list_chunks (list, version, base, i, data)
			VALUES (?, ?, ?, ?, ?)`), l.List, int64(l.Version), int64(l.Base), i, c)
		if err != nil {
			return err
		}
	}
	return nil
}

// maxMemberRows is the most members one statement carries.
const maxMemberRows = 2000

func (s *Store) putMembers(ctx context.Context, tx *sql.Tx, list string, ms []Member) error {
	for rest := ms; len(rest) > 0; {
		n := min(len(rest), maxMemberRows)
		st, err := s.prepared(ctx, tx, s.valuesSQL("INSERT INTO list_members (list, token, hash)", n, 3)+
			" ON CONFLICT (list, token) DO UPDATE SET hash = excluded.hash")
		if err != nil {
			return err
		}
		v := make([]any, 0, 3*n)
		for _, m := range rest[:n] {
			v = append(v, list, m.Token, int64(m.Hash))
		}
		if _, err := st.ExecContext(ctx, v...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

func (s *Store) deleteMembers(ctx context.Context, tx *sql.Tx, list string, tokens []string) error {
	for rest := tokens; len(rest) > 0; {
		n := min(len(rest), maxMemberRows)
		a := &args{d: s.d}
		q := "DELETE FROM list_members WHERE list = " + a.add(list) + " AND token " + a.in(rest[:n])
		if _, err := tx.ExecContext(ctx, q, a.list...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

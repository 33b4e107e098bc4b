package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"time"
)

// ListRow is one signed version of a list: a snapshot (Base 0) or a delta
// from Base, with its signed manifest and its chunks.
type ListRow struct {
	List          string
	Version, Base uint64
	Issued        time.Time
	Expires       time.Time
	Ops           int
	Signed        []byte   // the signed manifest, as published
	Chunks        [][]byte // in order; nil where a listing leaves them out
	NChunks       int      // how many chunks the version has
	Created       time.Time
}

const listColumns = "list, version, base, issued_us, expires_us, ops, signed, chunks, created_us"

// SaveList stores a list version and its chunks in one transaction. A
// version is never replaced: saving (List, Version, Base) again is
// ErrExists. Created, if zero, becomes now.
func (s *Store) SaveList(ctx context.Context, l ListRow) error {
	if l.List == "" || l.Version == 0 || l.Version > math.MaxInt64 || l.Base >= l.Version || len(l.Signed) == 0 {
		return fmt.Errorf("%w: list %q version %d base %d", ErrInvalid, l.List, l.Version, l.Base)
	}
	err := s.update(ctx, func(tx *sql.Tx) error { return s.insertListTx(ctx, tx, &l) })
	return wrap(err, "save list %s v%d base %d", l.List, l.Version, l.Base)
}

func (s *Store) insertList(ctx context.Context, tx *sql.Tx, l *ListRow) error {
	res, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO lists (`+listColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (list, version, base) DO NOTHING`),
		l.List, int64(l.Version), int64(l.Base), us(l.Issued), us(l.Expires), l.Ops, l.Signed, len(l.Chunks), us(l.Created))
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: list %s v%d base %d", ErrExists, l.List, l.Version, l.Base)
	}
	return err
}

// LatestList returns the newest version of a list with its chunks: its
// snapshot if stored, else its delta from the lowest base.
func (s *Store) LatestList(ctx context.Context, list string) (ListRow, bool, error) {
	l, err := scanList(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+listColumns+` FROM lists
		WHERE list = ? ORDER BY version DESC, base LIMIT 1`), list))
	if errors.Is(err, sql.ErrNoRows) {
		return ListRow{}, false, nil
	}
	if err == nil {
		l.Chunks, err = s.listChunks(ctx, &l)
	}
	return l, err == nil, wrap(err, "latest list %s", list)
}

// ListVersions returns every stored version of a list, newest first,
// without chunks.
func (s *Store) ListVersions(ctx context.Context, list string) ([]ListRow, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT `+listColumns+` FROM lists
		WHERE list = ? ORDER BY version DESC, base`), list)
	ls, err := collect(rows, err, scanList)
	return ls, wrap(err, "versions of list %s", list)
}

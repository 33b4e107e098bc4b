package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// ListChunk returns chunk i (from 0) of a list version, or ErrNotFound.
func (s *Store) ListChunk(ctx context.Context, list string, version, base uint64, i int) ([]byte, error) {
	var data []byte
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT data FROM list_chunks
		WHERE list = ? AND version = ? AND base = ? AND i = ?`), list, int64(version), int64(base), i).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: chunk %d of list %s v%d base %d", ErrNotFound, i, list, version, base)
	}
	return data, wrap(err, "chunk %d of list %s v%d base %d", i, list, version, base)
}

func (s *Store) listChunks(ctx context.Context, l *ListRow) ([][]byte, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT data FROM list_chunks
		WHERE list = ? AND version = ? AND base = ? ORDER BY i`), l.List, int64(l.Version), int64(l.Base))
	return collect(rows, err, func(r scanner) ([]byte, error) {
		var b []byte
		err := r.Scan(&b)
		return b, err
	})
}

func scanList(r scanner) (ListRow, error) {
	var l ListRow
	var version, base, issued, expires, created int64
	err := r.Scan(&l.List, &version, &base, &issued, &expires, &l.Ops, &l.Signed, &l.NChunks, &created)
	l.Version, l.Base = uint64(version), uint64(base)
	l.Issued, l.Expires, l.Created = fromUS(issued), fromUS(expires), fromUS(created)
	return l, err
}

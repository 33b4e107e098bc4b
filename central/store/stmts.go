package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmts caches prepared statements by their text, for the statements the
// ingest runs every round: SQLite then parses a 19,000-argument INSERT
// once per connection instead of once per batch.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// maxStmts bounds the cache; statements beyond it are prepared each time.
const maxStmts = 64

// prepared returns q prepared for tx.
func (s *Store) prepared(ctx context.Context, tx *sql.Tx, q string) (*sql.Stmt, error) {
	st, err := s.cached(ctx, q)
	if err != nil || st == nil {
		return tx.PrepareContext(ctx, q)
	}
	return tx.StmtContext(ctx, st), nil
}

func (s *Store) cached(ctx context.Context, q string) (*sql.Stmt, error) {
	s.stmts.mu.Lock()
	defer s.stmts.mu.Unlock()
	if st, ok := s.stmts.m[q]; ok || len(s.stmts.m) >= maxStmts {
		return st, nil
	}
	st, err := s.db.PrepareContext(ctx, q)
	if err != nil {
		return nil, err
	}
	if s.stmts.m == nil {
		s.stmts.m = map[string]*sql.Stmt{}
	}
	s.stmts.m[q] = st
	return st, nil
}

func (c *stmts) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m = nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// querier is what reads need of a *sql.DB or a *sql.Tx.
type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// exec runs one statement outside a transaction (it commits alone).
func (s *Store) exec(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return s.db.ExecContext(ctx, s.d.rebind(q), args...)
}

// wrap prefixes err, if any, with "store: " and what was being done.
// Errors of our sentinels say what they concern already and pass as is.
func wrap(err error, format string, v ...any) error {
	if err == nil || ours(err) {
		return err
	}
	return fmt.Errorf("store: %s: %w", fmt.Sprintf(format, v...), err)
}

// affected is how many rows the statement that gave res and err
// touched, or its error.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// mustAffect turns an UPDATE or DELETE that touched no row into
// ErrNotFound.
func mustAffect(res sql.Result, format string, v ...any) error {
	n, err := res.RowsAffected()
	if err != nil {
		return wrap(err, format, v...)
	}
	if n == 0 {
		return fmt.Errorf("%w: %s", ErrNotFound, fmt.Sprintf(format, v...))
	}
	return nil
}

func ours(err error) bool {
	for _, s := range sentinels {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}

// collect scans every row of a query with scan and closes the rows.
func collect[T any](rows *sql.Rows, err error, scan func(scanner) (T, error)) ([]T, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Limits of a page of results.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

func clampLimit(n int) int {
	if n <= 0 {
		return DefaultLimit
	}
	return min(n, MaxLimit)
}

// valuesSQL is head followed by a VALUES of n rows of cols arguments.
func (s *Store) valuesSQL(head string, n, cols int) string {
	a := &args{d: s.d}
	var b strings.Builder
	b.WriteString(head + " VALUES ")
	for i := range n {
		b.WriteString(sep(i) + "(")
		for c := range cols {
			b.WriteString(sep(c) + a.add(nil))
		}
		b.WriteString(")")
	}
	return b.String()
}

// in is an IN (...) list of vs.
func (a *args) in(vs []string) string {
	ps := make([]string, len(vs))
	for i, v := range vs {
		ps[i] = a.add(v)
	}
	return "IN (" + strings.Join(ps, ", ") + ")"
}

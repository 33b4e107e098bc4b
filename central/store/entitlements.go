package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"karta/offline"
	"karta/offline/token"
)

const entitlementColumns = "token, category, valid_from, valid_to, bus_discount, monthly_limit, " +
	"school, role, grade, schedule, meals_school, meals, stop_reason, stop_since"

const nEntitlementColumns = 14

// maxEntitlementRows is the most entries one upsert carries.
const maxEntitlementRows = 1000

// PutEntitlements stores entries by token, replacing what a token had, in
// one transaction, and returns how many tokens it wrote. When a token comes
// twice, its last entry wins.
func (s *Store) PutEntitlements(ctx context.Context, entries []*offline.Entry) (int, error) {
	entries, err := lastPerToken(entries)
	if err != nil {
		return 0, err
	}
	err = s.update(ctx, func(tx *sql.Tx) error {
		for rest := entries; len(rest) > 0; {
			n := min(len(rest), maxEntitlementRows)
			if err := s.upsertEntries(ctx, tx, rest[:n]); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	})
	if err != nil {
		return 0, wrap(err, "put entitlements")
	}
	return len(entries), nil
}

func (s *Store) upsertEntries(ctx context.Context, tx *sql.Tx, es []*offline.Entry) error {
	st, err := s.prepared(ctx, tx, s.upsertEntriesSQL(len(es)))
	if err != nil {
		return err
	}
	v := make([]any, 0, len(es)*(nEntitlementColumns+1))
	now := us(s.now())
	for _, e := range es {
		v = append(entryArgs(v, e), now)
	}
	_, err = st.ExecContext(ctx, v...)
	return err
}

func (s *Store) upsertEntriesSQL(n int) string {
	cols := strings.Split(entitlementColumns, ", ")
	set := make([]string, 0, len(cols))
	for _, c := range append(cols[1:], "updated_us") {
		set = append(set, c+" = excluded."+c)
	}
	return s.valuesSQL("INSERT INTO entitlements ("+entitlementColumns+", updated_us)", n, nEntitlementColumns+1) +
		" ON CONFLICT (token) DO UPDATE SET " + strings.Join(set, ", ")
}

// DeleteEntitlements removes tokens from the registry, in one
// transaction; unknown tokens are no error.
func (s *Store) DeleteEntitlements(ctx context.Context, tokens []string) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		for rest := tokens; len(rest) > 0; {
			n := min(len(rest), maxEntitlementRows)
			a := &args{d: s.d}
			if _, err := tx.ExecContext(ctx, "DELETE FROM entitlements WHERE token "+a.in(rest[:n]), a.list...); err != nil {
				return err
			}
			rest = rest[n:]
		}
		return nil
	})
	return wrap(err, "delete entitlements")
}

// lastPerToken checks entries and keeps the last one of each token, in
// the order of their last appearance.
func lastPerToken(entries []*offline.Entry) ([]*offline.Entry, error) {
	last := make(map[string]int, len(entries))
	for i, e := range entries {
		if _, err := token.KeyID(e.Token); err != nil {
			return nil, fmt.Errorf("%w: entry %d: %v", ErrInvalid, i, err)
		}
		if err := offline.CheckEntry(e); err != nil {
			return nil, fmt.Errorf("%w: entry %d: %v", ErrInvalid, i, err)
		}
		last[e.Token] = i
	}
	out := make([]*offline.Entry, 0, len(last))
	for i, e := range entries {
		if last[e.Token] == i {
			out = append(out, e)
		}
	}
	return out, nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// Schools returns every school an entitlement names, by its pass or its
// meals, sorted bytewise.
func (s *Store) Schools(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT school FROM entitlements WHERE school IS NOT NULL
		UNION SELECT meals_school FROM entitlements WHERE meals_school IS NOT NULL ORDER BY 1`)
	names, err := collect(rows, err, scanString)
	return names, wrap(err, "schools")
}

// ListNames returns every list with a stored version, sorted.
func (s *Store) ListNames(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT list FROM lists ORDER BY list`)
	names, err := collect(rows, err, scanString)
	return names, wrap(err, "list names")
}

// LatestVersions returns each list's newest stored version: one cheap
// query to tell whether anything changed since a look before.
func (s *Store) LatestVersions(ctx context.Context) (map[string]uint64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT list, MAX(version) FROM lists GROUP BY list`)
	type lv struct {
		list string
		v    int64
	}
	vs, err := collect(rows, err, func(r scanner) (x lv, err error) {
		err = r.Scan(&x.list, &x.v)
		return x, err
	})
	if err != nil {
		return nil, wrap(err, "latest list versions")
	}
	m := make(map[string]uint64, len(vs))
	for _, x := range vs {
		m[x.list] = uint64(x.v)
	}
	return m, nil
}

// ScanTokens calls fn with every token of the registry in order
// (bytewise), without holding them all in memory; an error from fn stops
// the scan and is returned.
func (s *Store) ScanTokens(ctx context.Context, fn func(token string) error) error {
	rows, err := s.db.QueryContext(ctx, `SELECT token FROM entitlements ORDER BY token`)
	if err != nil {
		return wrap(err, "tokens")
	}
	defer rows.Close()
	for rows.Next() {
		var t string
		if err = rows.Scan(&t); err == nil {
			err = fn(t)
		}
		if err != nil {
			return wrap(err, "tokens")
		}
	}
	return wrap(rows.Err(), "tokens")
}

func scanString(r scanner) (v string, err error) {
	err = r.Scan(&v)
	return v, err
}

// ListVersionsFrom is ListVersions of the versions from version from up: newest
// first, without chunks.
func (s *Store) ListVersionsFrom(ctx context.Context, list string, from uint64) ([]ListRow, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT `+listColumns+` FROM lists
		WHERE list = ? AND version >= ? ORDER BY version DESC, base`), list, int64(from))
	ls, err := collect(rows, err, scanList)
	return ls, wrap(err, "versions of list %s from v%d", list, from)
}

// NewestVersion returns the newest version of a list without its chunks:
// its snapshot if stored, else its delta from the lowest base.
func (s *Store) NewestVersion(ctx context.Context, list string) (ListRow, bool, error) {
	l, err := scanList(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+listColumns+` FROM lists
		WHERE list = ? ORDER BY version DESC, base LIMIT 1`), list))
	if errors.Is(err, sql.ErrNoRows) {
		return ListRow{}, false, nil
	}
	return l, err == nil, wrap(err, "newest version of list %s", list)
}

// RegistryStamp is what a cheap look tells of the registry: how many
// entitlements, and when the last was written. Any import changes it
// (PutEntitlements sets each written entry's time, DeleteEntitlements
// lowers the count), so an unchanged stamp means no list needs a scan.
type RegistryStamp struct {
	Entries int64
	Updated time.Time
}

// Stamp returns the registry's stamp.
func (s *Store) Stamp(ctx context.Context) (RegistryStamp, error) {
	var st RegistryStamp
	var updated int64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(MAX(updated_us), 0) FROM entitlements`).Scan(&st.Entries, &updated)
	st.Updated = fromUS(updated)
	return st, wrap(err, "registry stamp")
}

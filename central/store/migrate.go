package store

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// The migrations, numbered NNNN_name.sql, run in order, each once. They
// are portable SQL; where the dialects differ they write a {{word}} that
// the dialect replaces (see dialect.words).
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

type migration struct {
	version int
	name    string
	sql     string
}

const createMigrations = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_us BIGINT  NOT NULL)`

// migrations reads the embedded files in order.
func migrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, n := range names { // fs.Glob sorts
		m, err := readMigration(n)
		if err != nil {
			return nil, err
		}
		ms = append(ms, m)
	}
	return ms, nil
}

func readMigration(path string) (migration, error) {
	name := strings.TrimSuffix(strings.TrimPrefix(path, "migrations/"), ".sql")
	num, _, _ := strings.Cut(name, "_")
	v, err := strconv.Atoi(num)
	if err != nil {
		return migration{}, fmt.Errorf("store: migration %s is not numbered", path)
	}
	b, err := migrationFiles.ReadFile(path)
	return migration{version: v, name: name, sql: string(b)}, err
}

// migrate applies, in one transaction, the migrations the database has
// not seen yet.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	err = s.update(ctx, func(tx *sql.Tx) error {
		done, err := s.applied(ctx, tx)
		if err != nil {
			return err
		}
		return s.apply(ctx, tx, ms, done)
	})
	if err != nil {
		return fmt.Errorf("store: migrate %s: %w", s.d.name, err)
	}
	return nil
}

// applied takes the migration lock, makes sure schema_migrations exists,
// and returns the versions it records.
func (s *Store) applied(ctx context.Context, tx *sql.Tx) (map[int]bool, error) {
	if err := s.lockMigrations(ctx, tx); err != nil {
		return nil, err
	}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	vs, err := collect(rows, err, func(r scanner) (v int, err error) {
		err = r.Scan(&v)
		return v, err
	})
	done := map[int]bool{}
	for _, v := range vs {
		done[v] = true
	}
	return done, err
}

// lockMigrations keeps other instances from migrating at the same time
// (SQLite: the IMMEDIATE transaction already does).
func (s *Store) lockMigrations(ctx context.Context, tx *sql.Tx) error {
	if s.d.lock != "" {
		if _, err := tx.ExecContext(ctx, s.d.lock); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, createMigrations)
	return err
}

func (s *Store) apply(ctx context.Context, tx *sql.Tx, ms []migration, done map[int]bool) error {
	for _, m := range ms {
		if done[m.version] {
			delete(done, m.version)
			continue
		}
		if err := s.run(ctx, tx, m); err != nil {
			return fmt.Errorf("%s: %w", m.name, err)
		}
	}
	if len(done) > 0 {
		return fmt.Errorf("%w: %d unknown migrations", ErrSchemaNewer, len(done))
	}
	return nil
}

func (s *Store) run(ctx context.Context, tx *sql.Tx, m migration) error {
	if _, err := tx.ExecContext(ctx, s.d.words.Replace(strings.ReplaceAll(m.sql, "{{rebuild_reports}}", rebuildReportsSQL))); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO schema_migrations (version, name, applied_us) VALUES (?, ?, ?)`),
		m.version, m.name, us(s.now()))
	return err
}

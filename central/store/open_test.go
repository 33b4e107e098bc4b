package store_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"karta/central/store"
	"karta/central/store/storetest"
)

func TestOpenDSN(t *testing.T) {
	dir := t.TempDir()
	cases := []struct {
		dsn, backend string
	}{
		{"sqlite:" + filepath.Join(dir, "a", "central.db"), "sqlite"},
		{filepath.Join(dir, "var", "central.db"), "sqlite"},
	}
	for _, c := range cases {
		s := storetest.Open(t, c.dsn)
		if s.Backend() != c.backend {
			t.Errorf("%s: backend %s", c.dsn, s.Backend())
		}
		if _, err := os.Stat(strings.TrimPrefix(c.dsn, "sqlite:")); err != nil {
			t.Errorf("%s: %v", c.dsn, err)
		}
	}
	if s := storetest.Open(t, storetest.DSN(t, "postgres")); s.Backend() != "postgres" {
		t.Errorf("postgres DSN: backend %s", s.Backend())
	}
	for _, bad := range []string{"", "sqlite:", "mysql://localhost/karta", "sqlite:/tmp/x.db?mode=ro"} {
		if _, err := store.Open(context.Background(), bad); !errors.Is(err, store.ErrDSN) {
			t.Errorf("Open(%q): %v, want ErrDSN", bad, err)
		}
	}
}

// Opening again applies nothing twice; a database from a newer program is
// refused rather than written with an older schema's idea of it.
func TestMigrations(t *testing.T) {
	ctx := context.Background()
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		first, err := store.Open(ctx, dsn)
		must(t, err)
		storetest.Open(t, dsn) // again, beside the first
		must(t, first.Close())
		storetest.Open(t, dsn) // and after it closed
		db := storetest.SQL(t, dsn)
		var n int
		must(t, db.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations`).Scan(&n))
		files, err := filepath.Glob("migrations/*.sql")
		must(t, err)
		if n != len(files) {
			t.Errorf("%d migrations recorded, want %d", n, len(files))
		}
		_, err = db.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_us) VALUES (9999, '9999_future', 0)`)
		must(t, err)
		if _, err := store.Open(ctx, dsn); !errors.Is(err, store.ErrSchemaNewer) {
			t.Errorf("Open of a newer schema: %v, want ErrSchemaNewer", err)
		}
		_, err = db.ExecContext(ctx, `DELETE FROM schema_migrations WHERE version = 9999`)
		must(t, err)
	})
}

// What makes an ack safe on SQLite: WAL, and a commit that is on disk
// (synchronous FULL) before SaveTaps returns.
func TestSQLiteSettings(t *testing.T) {
	s := storetest.Open(t, storetest.DSN(t, "sqlite"))
	for name, want := range map[string]string{
		"journal_mode": "wal", "synchronous": "2", "busy_timeout": "10000", "cache_size": "-65536", "wal_autocheckpoint": "20000",
	} {
		got, err := s.Pragma(context.Background(), name)
		if err != nil || got != want {
			t.Errorf("PRAGMA %s = %q, %v; want %q", name, got, err, want)
		}
	}
}

// Package storetest runs tests against both of central's database
// backends: SQLite in the test's temporary directory and a real
// PostgreSQL, in a database of the test's own that is dropped at cleanup.
// Stores it opens check themselves when the test ends.
//
// PostgreSQL is found at $KARTA_TEST_POSTGRES, by default
// postgres://postgres@127.0.0.1:5432/postgres. When it cannot be reached a
// test skips, saying why, except under CI=true, where it fails.
package storetest

import (
	"context"
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"karta/central/store"
)

// Backends are the backends tests run on, in this order.
var Backends = []string{"sqlite", "postgres"}

// Each runs f as a subtest per backend with a fresh, empty store.
func Each(t *testing.T, f func(t *testing.T, s *store.Store)) {
	EachDSN(t, func(t *testing.T, dsn string) { f(t, Open(t, dsn)) })
}

// EachDSN runs f as a subtest per backend with the DSN of a fresh, empty
// database, for tests that open several stores on one database.
func EachDSN(t *testing.T, f func(t *testing.T, dsn string)) {
	t.Helper()
	for _, b := range Backends {
		t.Run(b, func(t *testing.T) { f(t, DSN(t, b)) })
	}
}

// DSN returns the DSN of a fresh, empty database of backend b ("sqlite"
// or "postgres"), removed when the test ends.
func DSN(t testing.TB, backend string) string {
	t.Helper()
	switch backend {
	case "sqlite":
		return "sqlite:" + filepath.Join(t.TempDir(), "central.db")
	case "postgres":
		return PostgresDSN(t, "")
	}
	t.Fatalf("storetest: unknown backend %q", backend)
	return ""
}

// Open opens a store on dsn and, when the test ends, checks it and
// closes it.
func Open(t testing.TB, dsn string) *store.Store {
	t.Helper()
	return OpenOptions(t, dsn, store.Options{})
}

// OpenOptions is Open with options.
func OpenOptions(t testing.TB, dsn string, opt store.Options) *store.Store {
	t.Helper()
	s, err := store.OpenOptions(context.Background(), dsn, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Check(context.Background()); err != nil {
			t.Errorf("store check at cleanup: %v", err)
		}
		if err := s.Close(); err != nil {
			t.Errorf("store close: %v", err)
		}
	})
	return s
}

// SQL opens the database behind a store's dsn directly, for tests that
// look under the store, and closes it when the test ends.
func SQL(t testing.TB, dsn string) *sql.DB {
	t.Helper()
	driver, name := "pgx", dsn
	if !strings.HasPrefix(dsn, "postgres") {
		driver, name = "sqlite", "file:"+strings.TrimPrefix(dsn, "sqlite:")+"?_busy_timeout=10000"
	}
	db, err := sql.Open(driver, name)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

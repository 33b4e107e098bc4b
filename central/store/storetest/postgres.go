package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // driver "pgx"
)

// AdminDSN is where tests find PostgreSQL: $KARTA_TEST_POSTGRES or the
// local server's postgres database.
func AdminDSN() string {
	if dsn := os.Getenv("KARTA_TEST_POSTGRES"); dsn != "" {
		return dsn
	}
	return "postgres://postgres@127.0.0.1:5432/postgres"
}

var admin struct {
	once sync.Once
	db   *sql.DB
	err  error
}

// adminDB connects once per test binary.
func adminDB() (*sql.DB, error) {
	admin.once.Do(func() {
		admin.db, admin.err = sql.Open("pgx", AdminDSN())
		if admin.err == nil {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			admin.err = admin.db.PingContext(ctx)
		}
	})
	return admin.db, admin.err
}

// PostgresDSN creates a database of the test's own, with options added to
// its CREATE DATABASE (such as a collation), and drops it at cleanup.
func PostgresDSN(t testing.TB, options string) string {
	t.Helper()
	db, err := adminDB()
	if err != nil {
		unavailable(t, err)
	}
	name := "karta_test_" + strings.ToLower(rand.Text()[:12])
	if _, err := db.Exec("CREATE DATABASE " + name + " " + options); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	u, err := url.Parse(AdminDSN())
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

// unavailable skips the test on a laptop and fails it in CI.
func unavailable(t testing.TB, err error) {
	t.Helper()
	where := AdminDSN()
	if u, perr := url.Parse(where); perr == nil {
		where = u.Redacted()
	}
	msg := fmt.Sprintf("storetest: PostgreSQL at %s is unreachable (%v); start it or set KARTA_TEST_POSTGRES", where, err)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
}

// keptPostgres returns the DSN of database name, creating it if missing;
// it stays after the test, for benchmarks that reuse what they filled.
func keptPostgres(t testing.TB, name string) string {
	t.Helper()
	db, err := adminDB()
	if err != nil {
		unavailable(t, err)
	}
	var n int
	if err := db.QueryRow(`SELECT COUNT(*) FROM pg_database WHERE datname = $1`, name).Scan(&n); err != nil {
		t.Fatalf("storetest: %v", err)
	}
	if n == 0 {
		if _, err := db.Exec("CREATE DATABASE " + name); err != nil {
			t.Fatalf("storetest: create database: %v", err)
		}
	}
	u, err := url.Parse(AdminDSN())
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	u.Path = "/" + name
	return u.String()
}

package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"karta/central/store"
	"karta/central/web/password"
)

// TestUserCmd: karta-central user add, list, passwd, disable and enable
// on a real database; passwords from a file or stdin, hashed, never
// shown; bad input is a clear error.
func TestUserCmd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "central.db")
	pw := writeFile(t, "pw", "first password 1\n")
	in := func(s string) { stdin = strings.NewReader(s) }
	t.Cleanup(func() { stdin = nil })
	for _, tt := range []struct {
		stdin   string
		args    []string
		code    int
		out     string // in stdout, or stderr when code != 0
		notWant string
	}{
		{"", []string{"add", "--db", db, "--name", "olga", "--role", "admin", "--password-file", pw, "--iterations", "2"}, 0, "user olga (admin) added", ""},
		{"second password 2\nignored\n", []string{"add", "--db", db, "--name", "ivan", "--role", "viewer", "--iterations", "2"}, 0, "user ivan (viewer) added", ""},
		{"", []string{"add", "--db", db, "--name", "olga", "--role", "viewer", "--password-file", pw, "--iterations", "2"}, 1, "already stored", ""},
		{"short\n", []string{"add", "--db", db, "--name", "petr", "--role", "viewer"}, 1, "shorter than 10 characters", "short\n"},
		{"", []string{"add", "--db", db, "--name", "petr", "--role", "root", "--password-file", pw, "--iterations", "2"}, 1, `role "root"`, ""},
		{"", []string{"add", "--db", db, "--name", "pe tr", "--role", "viewer", "--password-file", pw, "--iterations", "2"}, 1, "user name", ""},
		{"", []string{"add", "--db", db, "--name", "petr", "--role", "viewer", "--password-file", filepath.Join(dir, "none")}, 1, "no such file", ""},
		{"", []string{"add", "--db", db, "--role", "viewer"}, 2, "--name and --role are required", ""},
		{"third password 3\n", []string{"passwd", "--db", db, "--name", "ivan", "--iterations", "2"}, 0, "user ivan: password changed", ""},
		{"third password 3\n", []string{"passwd", "--db", db, "--name", "nobody", "--iterations", "2"}, 1, "not found", ""},
		{"", []string{"disable", "--db", db, "--name", "ivan"}, 0, "user ivan disabled", ""},
		{"", []string{"disable", "--db", db, "--name", "nobody"}, 1, "not found", ""},
		{"", []string{"list", "--db", db}, 0, "ivan  viewer  disabled", "pbkdf2"},
		{"", []string{"enable", "--db", db, "--name", "ivan"}, 0, "user ivan enabled", ""},
		{"", []string{"frobnicate"}, 2, "usage: karta-central user add|list|passwd|disable", ""},
	} {
		in(tt.stdin)
		var out, errOut bytes.Buffer
		code := run(context.Background(), append([]string{"user"}, tt.args...), &out, &errOut)
		got := out.String()
		if tt.code != 0 {
			got = errOut.String()
		}
		if code != tt.code || !strings.Contains(got, tt.out) || tt.notWant != "" && strings.Contains(out.String()+errOut.String(), tt.notWant) {
			t.Errorf("user %s: exit %d, %q; want exit %d with %q", strings.Join(tt.args, " "), code, got, tt.code, tt.out)
		}
	}
	st, err := store.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for name, want := range map[string]string{"olga": "first password 1", "ivan": "third password 3"} {
		u, err := st.User(context.Background(), name)
		if err != nil || u.Disabled {
			t.Fatalf("%s: %+v, %v", name, u, err)
		}
		if ok, err := password.Check(u.Hash, want); !ok || err != nil {
			t.Errorf("%s's password is not %q: %v, %v", name, want, ok, err)
		}
	}
	if _, err := st.User(context.Background(), "petr"); err == nil {
		t.Error("petr was added despite the errors")
	}
}

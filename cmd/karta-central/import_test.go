package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"karta/central/store/storetest"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	"karta/readers/readertest"
)

// central runs karta-central with args and returns its output and status.
func central(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), code
}

func mustRun(t *testing.T, args ...string) (stdout, stderr string) {
	t.Helper()
	o, e, code := central(t, args...)
	if code != 0 {
		t.Fatalf("karta-central %s: exit %d\n%s%s", strings.Join(args, " "), code, o, e)
	}
	return o, e
}

func tokens(t *testing.T, dsn string) []string {
	t.Helper()
	s := storetest.Open(t, dsn)
	var toks []string
	if err := s.ScanTokens(context.Background(), func(tok string) error { toks = append(toks, tok); return nil }); err != nil {
		t.Fatal(err)
	}
	return toks
}

// writeFile writes a file into a fresh directory and returns its path.
func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestImport(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		out, errOut := mustRun(t, "import", "--db", dsn, "--token-key", "testdata/token.key", "testdata/registry.csv")
		for _, want := range []string{"testdata/registry.csv: 14 rows, 5 entries, 9 skipped\n", "stored 5 entitlements\n",
			"deleted 0 entitlements absent"} {
			if !strings.Contains(out, want) {
				t.Errorf("stdout lacks %q:\n%s", want, out)
			}
		}
		if !strings.Contains(errOut, "testdata/registry.csv line 6: pan is not 12-19 digits") || strings.Count(errOut, "\n") != 9 {
			t.Errorf("stderr, one line per bad row:\n%s", errOut)
		}
		all := tokens(t, dsn)
		if len(all) != 5 {
			t.Fatalf("%d tokens stored, want 5", len(all))
		}

		// The same cards as JSONL: nothing to delete.
		out, _ = mustRun(t, "import", "--db", dsn, "--token-key", "testdata/token.key", "testdata/registry.jsonl")
		if !strings.Contains(out, "deleted 0") || !reflect.DeepEqual(tokens(t, dsn), all) {
			t.Errorf("importing the same cards again changed them:\n%s", out)
		}

		// A partial import adds; a full one deletes what it lacks, but not
		// a card whose row was bad.
		extra := bundletest.Token(7)
		mustRun(t, "import", "--db", dsn, "--partial", writeFile(t, "extra.csv", "token,bus_discount\n"+extra+",100\n"))
		if got := tokens(t, dsn); len(got) != 6 {
			t.Errorf("after a partial import: %d tokens, want 6", len(got))
		}
		only := writeFile(t, "only.jsonl", `{"token":"k1.AAAAAAAAAAAAAAAAAAAA","category":"staff","school":"school-39","role":"staff"}`+"\n"+
			`{"token":"`+extra+`","bus_discount":"150"}`+"\n")
		out, errOut = mustRun(t, "import", "--db", dsn, only)
		if !strings.Contains(out, "deleted 4 entitlements") || !strings.Contains(errOut, "line 2: bus_discount is not") {
			t.Errorf("a full import of two cards, one bad:\n%s%s", out, errOut)
		}
		if got := tokens(t, dsn); !reflect.DeepEqual(got, []string{"k1.AAAAAAAAAAAAAAAAAAAA", extra}) {
			t.Errorf("after the full import: %v", got)
		}
	})
}

func TestImportRefuses(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	mustRun(t, "import", "--db", dsn, "--token-key", "testdata/token.key", "testdata/registry.csv")
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"no file", []string{"import", "--db", dsn}, 2, "usage"},
		{"pan without key", []string{"import", "--db", dsn, "testdata/registry.csv"}, 1, "no token key"},
		{"every row bad", []string{"import", "--db", dsn, writeFile(t, "bad.csv", "token,bus_discount\nk1.x,1\n")}, 1, "nothing deleted"},
		{"no header", []string{"import", "--db", dsn, "--token-key", "testdata/token.key", writeFile(t, "h.csv", "2200701234567896,pensioner\n")}, 1, "header"},
		{"unknown format", []string{"import", "--db", dsn, writeFile(t, "r.xlsx", "x")}, 1, "want csv or jsonl"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := central(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, want %d; stderr %q lacks %q", code, tt.code, errOut, tt.want)
			}
		})
	}
	if got := tokens(t, dsn); len(got) != 5 {
		t.Errorf("refused imports changed the registry: %d tokens", len(got))
	}
}

// TestImportNoPAN imports registries full of card numbers, builds and
// shows the lists, and looks for the numbers in everything printed and in
// the database's files.
func TestImportNoPAN(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "central.db")
	key := signingKey(t)
	var out strings.Builder
	for _, args := range [][]string{
		{"import", "--db", db, "--token-key", "testdata/token.key", "testdata/registry.csv"},
		{"import", "--db", db, "--token-key", "testdata/token.key", "--partial", "testdata/registry.jsonl"},
		{"import", "--db", db, "testdata/registry.csv"},
		{"import", "--db", db, "--token-key", "testdata/token.key", writeFile(t, "h.csv", "2200701234567896,pensioner\n")},
		{"lists", "build", "--db", db, "--signing-key", key},
		{"lists", "show", "--db", db},
	} {
		o, e, _ := central(t, args...)
		out.WriteString(o + e)
	}
	pans := regexp.MustCompile(`[0-9]{12,}`).FindAllString(readAll(t, "testdata/registry.csv", "testdata/registry.jsonl"), -1)
	if len(pans) < 15 {
		t.Fatalf("%d numbers; the check would prove nothing", len(pans))
	}
	if leaked := readertest.PANLeaks([]byte(out.String()), pans); len(leaked) > 0 {
		t.Errorf("card numbers in the output: %v\n%s", leaked, out.String())
	}
	files, _ := filepath.Glob(db + "*")
	for _, f := range files {
		if leaked := readertest.PANLeaks([]byte(readAll(t, f)), pans); len(leaked) > 0 {
			t.Errorf("card numbers in %s: %v", f, leaked)
		}
	}
	if !strings.Contains(out.String(), "bus-fleet") || len(files) == 0 {
		t.Errorf("the runs did not do what the test means:\n%s", out.String())
	}
}

func readAll(t *testing.T, paths ...string) string {
	t.Helper()
	var b strings.Builder
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}

// signingKey writes the test signing key into a file and returns its path.
func signingKey(t *testing.T) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "list-signing-test.key")
	if err := bundle.SaveSigningKey(p, bundletest.Key(t)); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestImportMaxDelete: a full import that would delete most of the
// registry (a truncated export) deletes nothing unless told it may.
func TestImportMaxDelete(t *testing.T) {
	dsn := storetest.DSN(t, "sqlite")
	var rows strings.Builder
	rows.WriteString("token,bus_discount\n")
	for i := range 150 {
		rows.WriteString(bundletest.Token(1000+i) + ",100\n")
	}
	mustRun(t, "import", "--db", dsn, writeFile(t, "many.csv", rows.String()))
	truncated := writeFile(t, "truncated.csv", "token,bus_discount\n"+bundletest.Token(1000)+",50\n")
	out, errOut, code := central(t, "import", "--db", dsn, truncated)
	if code != 1 || !strings.Contains(errOut, "the exports lack 149 of the 150 stored cards") || !strings.Contains(errOut, "--max-delete 100") {
		t.Errorf("a truncated export: exit %d\n%s%s", code, out, errOut)
	}
	if got := tokens(t, dsn); len(got) != 150 {
		t.Errorf("%d tokens after a refused deletion, want 150", len(got))
	}
	out, _ = mustRun(t, "import", "--db", dsn, "--max-delete", "100", truncated)
	if !strings.Contains(out, "deleted 149") || len(tokens(t, dsn)) != 1 {
		t.Errorf("told it may delete:\n%s", out)
	}
}

package main

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"karta/readers/readertest"
)

// registryPANs returns every run of 12 or more digits in the test
// registries: the valid card numbers and the bad ones.
func registryPANs(t *testing.T, paths ...string) []string {
	t.Helper()
	var pans []string
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		pans = append(pans, regexp.MustCompile(`[0-9]{12,}`).FindAllString(string(b), -1)...)
	}
	return pans
}

// TestListNoPAN runs every list and keys command, the failing ways too,
// on registries full of card numbers, and looks for those numbers in all
// they print and in every file they write.
func TestListNoPAN(t *testing.T) {
	env, in := newListEnv(t), t.TempDir() // inputs apart from what karta writes
	headerless := filepath.Join(in, "headerless.csv")
	if err := os.WriteFile(headerless, []byte("2200701234567896,pensioner\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	v2csv := registryV2(t, filepath.Join(in, "registry-v2.csv"))
	var out bytes.Buffer
	runs := [][]string{
		{"list", "build", "--list", "bus-fleet", "--version", "1", "--in", "testdata/registry.csv", "--token-key", testKeyFile,
			"--signing-key", env.signing, "--out", env.path("v1.bundle"), "--state", env.path("v1.state.jsonl")},
		{"list", "build", "--list", "bus-fleet", "--version", "1", "--in", "testdata/registry.jsonl", "--token-key", testKeyFile,
			"--signing-key", env.signing, "--out", env.path("j1.bundle"), "--state", env.path("j1.state.jsonl")},
		{"list", "build", "--list", "bus-fleet", "--version", "2", "--base", "1", "--from", env.path("v1.state.jsonl"), "--in", v2csv,
			"--token-key", testKeyFile, "--signing-key", env.signing, "--out", env.path("v2.bundle"), "--state", env.path("v2.state.jsonl")},
		{"list", "build", "--list", "bus-fleet", "--version", "1", "--in", "testdata/registry.csv", "--signing-key", env.signing, "--out", env.path("nokey.bundle")},
		{"list", "build", "--list", "bus-fleet", "--version", "1", "--in", headerless, "--signing-key", env.signing, "--out", env.path("h.bundle")},
		{"list", "inspect", env.path("v1.bundle")},
		{"list", "inspect", env.path("v2.bundle"), "--pub", env.public},
		{"list", "verify", env.path("v1.bundle"), "--pub", env.public},
		{"list", "diff", env.path("v1.bundle"), env.path("v2.bundle"), "--examples", "100"},
	}
	for _, args := range runs {
		o, e, _ := karta(t, args...)
		out.WriteString(o + e)
	}
	pans := registryPANs(t, "testdata/registry.csv", "testdata/registry.jsonl", headerless)
	if len(pans) < 15 || len(readertest.PANLeaks(out.Bytes(), []string{"2200701234567896"})) != 0 ||
		len(readertest.PANLeaks([]byte(strings.Join(pans, " ")), pans)) != len(pans) {
		t.Fatalf("%d numbers; the check would prove nothing", len(pans))
	}
	if leaked := readertest.PANLeaks(out.Bytes(), pans); len(leaked) > 0 {
		t.Errorf("card numbers in the output: %v\n%s", leaked, out.String())
	}
	for _, want := range []string{"no token key was given", "(not shown: not a column name)", "line 7: pan is not 12-19 digits"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the output does not say %q: a run did not do what the test means", want)
		}
	}
	checkFiles(t, env.dir, pans)
}

// checkFiles looks for the numbers in every file under dir.
func checkFiles(t *testing.T, dir string, pans []string) {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if leaked := readertest.PANLeaks(b, pans); len(leaked) > 0 {
			t.Errorf("card numbers in %s: %v", path, leaked)
		}
		n++
		return err
	})
	if err != nil || n < 8 {
		t.Errorf("checked %d files: %v", n, err)
	}
}

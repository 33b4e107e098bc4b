package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

// listEnv is a directory with a fresh list signing key pair k1, where list
// tests write what they build.
type listEnv struct {
	dir, signing, public string
}

func newListEnv(t *testing.T) listEnv {
	t.Helper()
	dir := t.TempDir()
	if _, errOut, code := karta(t, "keys", "gen-signing", "--id", "k1", "--out", dir); code != 0 {
		t.Fatalf("gen-signing: %s", errOut)
	}
	return listEnv{dir, filepath.Join(dir, "list-signing-k1.key"), filepath.Join(dir, "list-public-k1.pub")}
}

func (e listEnv) path(name string) string { return filepath.Join(e.dir, name) }

// build runs karta list build with the env's signing key and the test
// token key, writing OUT and OUT.state.jsonl in the env.
func (e listEnv) build(t *testing.T, out string, args ...string) (stdout, stderr string) {
	t.Helper()
	args = append([]string{"list", "build", "--list", "bus-fleet", "--token-key", testKeyFile,
		"--signing-key", e.signing, "--out", e.path(out), "--state", e.path(out + ".state.jsonl")}, args...)
	stdout, stderr, code := karta(t, args...)
	if code != 0 {
		t.Fatalf("karta %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout, stderr
}

func TestListBuild(t *testing.T) {
	env := newListEnv(t)
	for format, summary := range map[string]string{"csv": "14 rows, 5 entries, 9 skipped", "jsonl": "13 rows, 5 entries, 8 skipped"} {
		t.Run(format, func(t *testing.T) {
			out, errOut := env.build(t, format+".bundle", "--version", "1", "--in", "testdata/registry."+format)
			wantOut := "testdata/registry." + format + ": " + summary + "\n" +
				"list bus-fleet v1: 5 puts, 0 deletes in 1 chunk,"
			if !strings.HasPrefix(out, wantOut) || !strings.Contains(out, "key k1, expires 2026-12-21 12:00 UTC") {
				t.Errorf("stdout:\n%s\nwant it to start\n%s", out, wantOut)
			}
			checkGolden(t, "list-build-"+format+".golden", errOut)
			v := verifyFile(t, env.path(format+".bundle"), env.public)
			if got := v.Version(); got.Ops != 5 || !got.Issued.Equal(now()) || !got.Expires.Equal(now().Add(720*time.Hour)) {
				t.Errorf("built %+v", got)
			}
		})
	}
	// Both registries hold the same cards: the builds are the same.
	csvState, _ := os.ReadFile(env.path("csv.bundle.state.jsonl"))
	jsonlState, _ := os.ReadFile(env.path("jsonl.bundle.state.jsonl"))
	if len(csvState) < 100 || string(csvState) != string(jsonlState) {
		t.Errorf("the states of the CSV and JSONL builds differ:\n%s\n%s", csvState, jsonlState)
	}
}

func verifyFile(t *testing.T, path string, pubs ...string) *bundle.Verified {
	t.Helper()
	b, err := bundle.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	ring, err := bundle.LoadKeyRing(pubs...)
	if err != nil {
		t.Fatal(err)
	}
	v, err := bundle.Open(b, ring, now())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestListInspectAndVerify(t *testing.T) {
	env := newListEnv(t)
	env.build(t, "v1.bundle", "--version", "1", "--in", "testdata/registry.csv")
	good := env.path("v1.bundle")
	other := writePub(t, env.path("other-k1.pub"), bundletest.NewKey(t, "k1"))
	stranger := writePub(t, env.path("k9.pub"), bundletest.NewKey(t, "k9"))
	tampered := tamperFile(t, good, env.path("tampered.bundle"), func(b []byte) []byte { b[len(b)-5] ^= 1; return b })
	truncated := tamperFile(t, good, env.path("truncated.bundle"), func(b []byte) []byte { return b[:200] })
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"inspect", []string{"list", "inspect", good}, 0, "version   1 (snapshot)\n"},
		{"inspect shows expiry", []string{"list", "inspect", good}, 0, "expires   2026-12-21 12:00 UTC (in 30 days)\n"},
		{"inspect without keys", []string{"list", "inspect", good}, 0, "contents  5 puts, 0 deletes; chunks match the manifest\nsignature not checked (no --pub)\n"},
		{"inspect with the key", []string{"list", "inspect", good, "--pub", env.public}, 0, "signature OK; chunks and ops verified\n"},
		{"inspect with another key", []string{"list", "inspect", "--pub", other, good}, 1, "REFUSED: bundle: signature invalid for list bus-fleet v1 (key k1)"},
		{"inspect a tampered chunk", []string{"list", "inspect", tampered}, 1, "REFUSED: bundle: corrupt chunk"},
		{"verify", []string{"list", "verify", good, "--pub", env.public}, 0, "OK list bus-fleet v1: 5 ops, key k1, expires 2026-12-21 12:00 UTC\n"},
		{"verify with two keys", []string{"list", "verify", "--pub", stranger, "--pub", env.public, good}, 0, "OK list bus-fleet v1"},
		{"verify with a key of the same id", []string{"list", "verify", good, "--pub", other}, 1, "REFUSED: bundle: signature invalid for list bus-fleet v1 (key k1)"},
		{"verify with an unknown key", []string{"list", "verify", good, "--pub", stranger}, 1, "unknown signing key for list bus-fleet v1 (key k1; trusted: k9)\nhint: pass the public key"},
		{"verify a tampered chunk", []string{"list", "verify", tampered, "--pub", env.public}, 1, "corrupt chunk for list bus-fleet v1 (chunk 1 of 1: sha256 differs from the manifest)"},
		{"verify a truncated file", []string{"list", "verify", truncated, "--pub", env.public}, 1, "bundle: truncated"},
		{"verify without a key", []string{"list", "verify", good}, 2, "at least one --pub KEYFILE"},
		{"verify a missing file", []string{"list", "verify", env.path("none"), "--pub", env.public}, 1, "no such file"},
		{"verify with a missing key file", []string{"list", "verify", good, "--pub", env.path("none.pub")}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := karta(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(out+errOut, tt.wantOut) {
				t.Errorf("exit %d, output:\n%s%s\nwant exit %d and %q", code, out, errOut, tt.wantCode, tt.wantOut)
			}
		})
	}
}

// TestListVerifyExpired moves the clock past the expiry.
func TestListVerifyExpired(t *testing.T) {
	env := newListEnv(t)
	env.build(t, "v1.bundle", "--version", "1", "--in", "testdata/registry.csv", "--expires", "24h")
	saved := now
	defer func() { now = saved }()
	now = func() time.Time { return saved().Add(25 * time.Hour) }
	_, errOut, code := karta(t, "list", "verify", env.path("v1.bundle"), "--pub", env.public)
	if code != 1 || !strings.Contains(errOut, "bundle: expired for list bus-fleet v1 (expired 2026-11-22T12:00:00Z, device clock 2026-11-22T13:00:00Z)") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if out, _, _ := karta(t, "list", "inspect", env.path("v1.bundle")); !strings.Contains(out, "(EXPIRED 1h0m0s ago)") {
		t.Errorf("inspect:\n%s", out)
	}
}

func writePub(t *testing.T, path string, k *bundle.SigningKey) string {
	t.Helper()
	if err := bundle.SavePublicKey(path, k.Public()); err != nil {
		t.Fatal(err)
	}
	return path
}

// tamperFile copies a file, changed.
func tamperFile(t *testing.T, from, to string, change func(b []byte) []byte) string {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, change(b), 0o644); err != nil {
		t.Fatal(err)
	}
	return to
}

package main

import (
	"flag"
	"os"
	"reflect"
	"strings"
	"testing"
)

func TestParseArgs(t *testing.T) {
	tests := []struct {
		args     []string
		wantPos  []string
		wantPubs []string
	}{
		{[]string{"a.bundle"}, []string{"a.bundle"}, nil},
		{[]string{"a.bundle", "--pub", "k1.pub"}, []string{"a.bundle"}, []string{"k1.pub"}},
		{[]string{"--pub", "k1.pub", "a", "--pub=k2.pub", "b"}, []string{"a", "b"}, []string{"k1.pub", "k2.pub"}},
		{[]string{"a", "--", "--pub", "b"}, []string{"a", "--pub", "b"}, nil},
	}
	for _, tt := range tests {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		var pubs fileList
		fs.Var(&pubs, "pub", "")
		pos, err := parseArgs(fs, tt.args)
		if err != nil || !reflect.DeepEqual(pos, tt.wantPos) || !reflect.DeepEqual([]string(pubs), tt.wantPubs) {
			t.Errorf("parseArgs(%q) = %q, pubs %q, %v", tt.args, pos, pubs, err)
		}
	}
}

func TestListBuildBadInput(t *testing.T) {
	env := newListEnv(t)
	exists := env.path("exists.bundle")
	if err := os.WriteFile(exists, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	bad := env.path("bad.csv")
	if err := os.WriteFile(bad, []byte("pan,bus_discount\n22001234,100\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	base := []string{"list", "build", "--list", "bus-fleet", "--version", "1", "--signing-key", env.signing, "--token-key", testKeyFile}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no out", append(base, "--in", "testdata/registry.csv"), 2, "are required"},
		{"base without from", append(base, "--in", "testdata/registry.csv", "--out", env.path("x"), "--base", "1"), 2, "both --base VERSION and --from"},
		{"unknown format", append(base, "--in", "registry.xlsx", "--out", env.path("x")), 2, "give --format csv"},
		{"negative expiry", append(base, "--in", "testdata/registry.csv", "--out", env.path("x"), "--expires", "-1h"), 2, "--expires must be positive"},
		{"out exists", append(base, "--in", "testdata/registry.csv", "--out", exists), 1, "exists (karta never overwrites"},
		{"missing registry", append(base, "--in", env.path("none.csv"), "--out", env.path("x")), 1, "no such file"},
		{"every row bad", append(base, "--in", bad, "--out", env.path("x")), 1, "every row of the registry is bad"},
		{"bad list name", []string{"list", "build", "--list", "Bus Fleet", "--version", "1", "--signing-key", env.signing,
			"--in", "testdata/registry.csv", "--token-key", testKeyFile, "--out", env.path("x")}, 1, "list name"},
		{"wrong state file", append(base, "--version", "2", "--base", "1", "--from", "testdata/registry.csv", "--in", "testdata/registry.csv", "--out", env.path("x")),
			1, "not a karta list state file"},
		{"unknown column", append(base, "--in", "testdata/token.key", "--format", "csv", "--out", env.path("x")), 1, "header column 1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := karta(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
			if _, err := os.Stat(env.path("x")); err == nil {
				t.Error("a failed build left its output file")
			}
		})
	}
}

// TestStateOfAnotherVersion: --from must hold the --base version.
func TestStateOfAnotherVersion(t *testing.T) {
	env := newListEnv(t)
	env.build(t, "v1.bundle", "--version", "1", "--in", "testdata/registry.csv")
	_, errOut, code := karta(t, "list", "build", "--list", "bus-fleet", "--version", "3", "--base", "2",
		"--from", env.path("v1.bundle.state.jsonl"), "--in", "testdata/registry.csv",
		"--token-key", testKeyFile, "--signing-key", env.signing, "--out", env.path("v3.bundle"))
	if code != 1 || !strings.Contains(errOut, "holds bus-fleet v1, not bus-fleet v2") {
		t.Errorf("exit %d, %q", code, errOut)
	}
}

package main

import (
	"os"
	"strings"
	"testing"
)

// registryV2 is testdata/registry.csv a version later: the first card's
// monthly limit changed, the stopped card gone, a veteran added.
func registryV2(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/registry.csv")
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(b), "2026-12-31,100,60,", "2026-12-31,100,40,", 1)
	s = strings.Replace(s, "2204301122334453,,,,,,,,,,,,lost,2026-11-20\n", "", 1)
	s += "2200123456789012341,,veteran,,,100,,,,,,,,\n"
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestListDeltaAndDiff(t *testing.T) {
	env := newListEnv(t)
	env.build(t, "v1.bundle", "--version", "1", "--in", "testdata/registry.csv")
	v2csv := registryV2(t, env.path("registry-v2.csv"))
	out, _ := env.build(t, "v2-delta.bundle", "--version", "2", "--base", "1", "--from", env.path("v1.bundle.state.jsonl"), "--in", v2csv)
	if !strings.Contains(out, "list bus-fleet delta v1→v2: 2 puts, 1 delete in 1 chunk") {
		t.Errorf("delta build:\n%s", out)
	}
	env.build(t, "v2.bundle", "--version", "2", "--in", v2csv)
	v := verifyFile(t, env.path("v2-delta.bundle"), env.public)
	if got := v.Version(); got.Base != 1 || got.Version != 2 || got.Ops != 3 {
		t.Errorf("delta %+v", got)
	}
	// A delta of the delta's state onto itself changes nothing.
	out, _ = env.build(t, "v3.bundle", "--version", "3", "--base", "2", "--from", env.path("v2-delta.bundle.state.jsonl"), "--in", v2csv)
	if !strings.Contains(out, "0 puts, 0 deletes in 0 chunks") {
		t.Errorf("empty delta:\n%s", out)
	}
	want := "added      1\nremoved    1\nchanged    1\nunchanged  3\n"
	for _, newer := range []string{"v2-delta.bundle", "v2.bundle"} {
		out, errOut, code := karta(t, "list", "diff", env.path("v1.bundle"), env.path(newer), "--pub", env.public)
		if code != 0 || !strings.Contains(out, want) || !strings.Contains(out, "(veteran; bus 100%)") || !strings.Contains(out, "  (bus)\n") {
			t.Errorf("diff v1 %s: exit %d\n%s%s", newer, code, out, errOut)
		}
	}
	out, _, _ = karta(t, "list", "diff", env.path("v1.bundle"), env.path("v2.bundle"))
	if !strings.Contains(out, "signatures not checked (no --pub)") {
		t.Errorf("diff without keys:\n%s", out)
	}
}

func TestListDiffRefuses(t *testing.T) {
	env := newListEnv(t)
	env.build(t, "v1.bundle", "--version", "1", "--in", "testdata/registry.csv")
	env.build(t, "v2.bundle", "--version", "2", "--base", "1", "--from", env.path("v1.bundle.state.jsonl"), "--in", "testdata/registry.csv")
	env.build(t, "v3.bundle", "--version", "3", "--base", "2", "--from", env.path("v2.bundle.state.jsonl"), "--in", "testdata/registry.csv")
	out, _, code := karta(t, "list", "build", "--list", "school-39", "--version", "1", "--in", "testdata/registry.csv",
		"--token-key", testKeyFile, "--signing-key", env.signing, "--out", env.path("school.bundle"))
	if code != 0 {
		t.Fatal(out)
	}
	tests := []struct {
		name, old, new, want string
	}{
		{"another list", "v1.bundle", "school.bundle", "OLD is list bus-fleet, NEW is list school-39"},
		{"old is a delta", "v2.bundle", "v3.bundle", "OLD must be a snapshot; it is list bus-fleet delta v1→v2"},
		{"delta onto another base", "v1.bundle", "v3.bundle", "NEW is list bus-fleet delta v2→v3, which does not apply onto OLD v1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := karta(t, "list", "diff", env.path(tt.old), env.path(tt.new))
			if code != 1 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want %q", code, errOut, tt.want)
			}
		})
	}
	if _, errOut, code := karta(t, "list", "diff", env.path("v1.bundle")); code != 2 || !strings.Contains(errOut, "OLD NEW") {
		t.Errorf("one file: exit %d, %q", code, errOut)
	}
}

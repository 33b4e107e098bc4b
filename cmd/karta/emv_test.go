package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"karta/internal/golden"
	"karta/offline/token"
	"karta/readers/emv"
	"karta/readers/readertest"
	"karta/readers/transcript"
)

const testKeyFile = "testdata/token.key"

func init() {
	now = func() time.Time { return time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC) }
}

// transcripts lists what karta emv read is tested on: the sim cards' golden
// transcripts and the real cards beside the project.
func transcripts(t *testing.T) []string {
	t.Helper()
	simFiles, _ := filepath.Glob("../../sim/testdata/cards/*.txt")
	real, _ := filepath.Glob("../../../shared/cards/real/*.txt")
	if len(real) == 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("real card transcripts missing beside the project (../shared/cards/real)")
		}
		t.Log("real card transcripts not found beside the project; testing the sim ones only")
	}
	if len(simFiles) < 17 {
		t.Fatalf("found %d sim transcripts", len(simFiles))
	}
	return append(simFiles, real...)
}

func karta(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), code
}

func TestEmvReadJSON(t *testing.T) {
	var all strings.Builder
	for _, path := range transcripts(t) {
		out, errOut, code := karta(t, "emv", "read", "--json", "--token-key", testKeyFile, "--transcript", path)
		wantCode := 0
		if strings.Contains(out, `"error"`) {
			wantCode = 1
		}
		if code != wantCode || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q", path, code, errOut)
		}
		fmt.Fprintf(&all, "== %s (exit %d)\n%s", filepath.Base(path), code, out)
	}
	checkGolden(t, "emv-read-json.golden", all.String())
}

func TestEmvReadText(t *testing.T) {
	var all strings.Builder
	for _, name := range []string{"mir-par", "mir-expired", "visa-gpo-track2", "mir-truncated"} {
		out, errOut, code := karta(t, "emv", "read", "--token-key", testKeyFile, "--transcript", "../../sim/testdata/cards/"+name+".txt")
		fmt.Fprintf(&all, "== %s (exit %d)\n%s%s", name, code, out, errOut)
	}
	checkGolden(t, "emv-read-text.golden", all.String())
}

func TestEmvReadBadInput(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.txt")
	if err := os.WriteFile(bad, []byte("C: 00A4\nR: 9000\nhello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  string
	}{
		{"no transcript", []string{"emv", "read"}, 2, "--transcript FILE is required"},
		{"missing file", []string{"emv", "read", "--transcript", "nope.txt"}, 1, "no such file"},
		{"syntax error", []string{"emv", "read", "--transcript", bad}, 1, "line 3"},
		{"bad key file", []string{"emv", "read", "--token-key", bad, "--transcript", bad}, 1, "bad key"},
		{"unknown command", []string{"frobnicate"}, 2, "usage: karta"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := karta(t, tt.args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.wantErr) {
				t.Errorf("exit %d stderr %q; want %d and %q", code, errOut, tt.wantCode, tt.wantErr)
			}
		})
	}
}

// spy collects the card numbers a read sees, to know what must not leak.
type spy struct{ pans []string }

func (s *spy) PANToken(p []byte) string { s.pans = append(s.pans, string(p)); return "x" }
func (s *spy) PARToken([]byte) string   { return "x" }

// TestNoPANInOutput runs karta emv read with --debug, as text and as JSON,
// on every transcript, and checks stdout and stderr for card numbers.
func TestNoPANInOutput(t *testing.T) {
	s := &spy{}
	var out bytes.Buffer
	for _, path := range transcripts(t) {
		tr, err := transcript.ParseFile(path)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = emv.NewReader(s, emv.Options{}).Read(context.Background(), transcript.NewCard(tr)) // collects numbers
		for _, format := range []string{"--json=false", "--json"} {
			o, e, _ := karta(t, "emv", "read", "--debug", format, "--transcript", path)
			out.WriteString(o + e)
		}
	}
	if len(s.pans) < 30 || !strings.Contains(out.String(), "level=DEBUG") {
		t.Fatalf("saw %d numbers, debug output %v: the check would prove nothing", len(s.pans), strings.Contains(out.String(), "DEBUG"))
	}
	if leaked := readertest.PANLeaks(out.Bytes(), s.pans); len(leaked) > 0 {
		t.Errorf("card numbers in karta's output: %v", leaked)
	}
}

func TestTestKeyLoads(t *testing.T) {
	if _, err := token.LoadKey(testKeyFile); err != nil {
		t.Fatal(err)
	}
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	golden.Check(t, filepath.Join("testdata", name), []byte(got))
}

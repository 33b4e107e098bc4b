package main

import (
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"karta/internal/syncbuf"
)

var apiAddr = regexp.MustCompile(`API at http://(\S+?)/api/v1/`)

// TestServeAPI: serve prints where its API listens, the API answers on
// the same database ingest writes, and stops with central.
func TestServeAPI(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncbuf.Buffer{}
	done := make(chan int)
	go func() {
		done <- run(ctx, []string{"serve", "--db", filepath.Join(dir, "central.db"), "--listen", "127.0.0.1:0",
			"--secret-file", filepath.Join(dir, "central.secret"), "--api", "127.0.0.1:0"}, out, io.Discard)
	}()
	waitAddr(t, out)
	var m []string
	for deadline := time.Now().Add(20 * time.Second); m == nil && time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		m = apiAddr.FindStringSubmatch(out.String())
	}
	if m == nil {
		cancel()
		<-done
		t.Fatalf("no API address printed:\n%s", out)
	}
	for path, want := range map[string]string{"/healthz": `"status":"ok"`, "/api/v1/devices": "[]", "/metrics": "karta_central_taps_stored_total 0"} {
		res, err := http.Get("http://" + m[1] + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != 200 || !strings.Contains(string(b), want) {
			t.Errorf("GET %s: %d %s, want %s", path, res.StatusCode, b, want)
		}
	}
	cancel()
	if code := <-done; code != 0 {
		t.Fatalf("exit %d", code)
	}
	if _, err := (&http.Client{Timeout: 2 * time.Second}).Get("http://" + m[1] + "/healthz"); err == nil {
		t.Error("the API still answers after central stopped")
	}
}

func TestAPIOffLoopbackNeedsToken(t *testing.T) {
	for _, tt := range []struct {
		addr, file string
		ok         bool
	}{
		{"127.0.0.1:0", "", true},
		{"localhost:0", "", true},
		{"[::1]:0", "", true},
		{"0.0.0.0:8080", "", false},
		{":8080", "", false},
		{"0.0.0.0:8080", "/nonexistent/token", false},
	} {
		_, err := apiToken(tt.addr, tt.file)
		if (err == nil) != tt.ok {
			t.Errorf("apiToken(%q, %q) = %v, want ok=%v", tt.addr, tt.file, err, tt.ok)
		}
	}
}

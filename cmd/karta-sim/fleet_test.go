package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/central/broker"
	"karta/central/ingest"
	"karta/central/store"
)

// startCentral runs central's pieces in-process (embedded broker with
// device passwords, SQLite, ingest) and returns the broker's URL, the
// secret file and the store.
func startCentral(t *testing.T) (string, string, *store.Store) {
	t.Helper()
	secret := []byte("fleet-command-test-secret-012345")
	file := filepath.Join(t.TempDir(), "central.secret")
	if err := os.WriteFile(file, []byte(base64.RawURLEncoding.EncodeToString(secret)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := broker.Start(broker.Options{Addr: "127.0.0.1:0", Passwords: broker.Passwords{Secret: secret}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "central.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	in := &ingest.Ingester{Conn: b.Conn(), Store: st, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { in.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return "tcp://" + b.Addr(), file, st
}

var summaryRE = regexp.MustCompile(`fleet: drained after .*: (\d+) devices, journaled (\d+), acked (\d+), backlog 0, max backlog (\d+), (\d+) outages`)

// TestFleetCommand: karta-sim fleet with device passwords from central's
// secret, outages and both journals; central stores every tap it
// reports journaled, once.
func TestFleetCommand(t *testing.T) {
	for _, journal := range []string{"memory", "bbolt"} {
		t.Run(journal, func(t *testing.T) {
			url, secretFile, st := startCentral(t)
			out, errOut, code := karta("fleet", "--broker", url, "--secret-file", secretFile, "--devices", "24",
				"--journal", journal, "--data", t.TempDir(), "--rate", "10", "--duration", "2s", "--backlog", "10",
				"--stagger", "200ms", "--outage-every", "500ms", "--outage-for", "300ms", "--outage-share", "0.25",
				"--progress", "500ms", "--drain-timeout", "1m")
			if code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
			}
			m := summaryRE.FindStringSubmatch(out)
			if m == nil || m[2] != m[3] || m[1] != "24" || m[5] == "0" || !strings.Contains(out, "connected ") {
				t.Fatalf("no summary of 24 devices, all acked, with outages, after progress lines:\n%s", out)
			}
			n, err := st.CountTaps(context.Background(), store.TapQuery{})
			if journaled, _ := strconv.ParseInt(m[2], 10, 64); err != nil || n != journaled {
				t.Errorf("central stored %d taps (%v); the fleet journaled %d", n, err, journaled)
			}
		})
	}
}

func TestFleetCommandRefuses(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.secret")
	if err := os.WriteFile(bad, []byte("not base64 !!\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"missing secret", []string{"--secret-file", filepath.Join(t.TempDir(), "none")}, "central's secret"},
		{"bad secret", []string{"--secret-file", bad}, "not a base64url secret"},
		{"unknown role", []string{"--roles", "bus,ferry"}, `role "ferry"`},
		{"unknown journal", []string{"--journal", "sqlite"}, `journal "sqlite"`},
		{"half an outage", []string{"--outage-every", "1s"}, "outages need both"},
		{"unknown flag", []string{"--fleet-size", "3"}, "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := karta(append([]string{"fleet", "--broker", "tcp://127.0.0.1:1"}, tt.args...)...)
			if code != 2 || !strings.Contains(errOut, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, errOut, tt.want)
			}
		})
	}
}

// TestFleetCommandInterrupted: Ctrl-C (the command's context) stops the
// fleet early, with a summary and exit status 0.
func TestFleetCommandInterrupted(t *testing.T) {
	url, secretFile, _ := startCentral(t)
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	var out, errOut bytes.Buffer
	code := run(ctx, []string{"fleet", "--broker", url, "--secret-file", secretFile, "--devices", "5", "--duration", "1h"}, &out, &errOut)
	if code != 0 || !strings.Contains(out.String(), "fleet: interrupted after") {
		t.Errorf("exit %d, stdout %q, stderr %q; want 0 and an interrupted summary", code, out.String(), errOut.String())
	}
}

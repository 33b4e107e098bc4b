package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"karta/central/api"
)

func TestDecommissionRefusals(t *testing.T) {
	srv := httptest.NewServer(api.Handler(api.Options{Fleet: &fakeCentral{}, Log: quietLog()}))
	defer srv.Close()
	tests := []struct {
		name  string
		args  []string
		stdin string
		code  int
		want  string
	}{
		{"no id", []string{"--central", srv.URL}, "", 2, "--id ID"},
		{"bad id", []string{"--central", srv.URL, "--id", "Bus 1"}, "", 2, "--id ID"},
		{"no central", []string{"--id", "bus-1", "--yes"}, "", 2, "--central URL"},
		{"not a terminal", []string{"--central", srv.URL, "--id", "bus-1"}, "bus-1\n", 1, "stdin is not a terminal: give --yes"},
		{"central away", []string{"--central", "http://127.0.0.1:1", "--id", "bus-1", "--yes"}, "", 1, "central does not answer"},
		{"with --yes", []string{"--central", srv.URL, "--id", "bus-1", "--yes"}, "", 0, "✓ bus-1 decommissioned"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			code := decommissionFrom(context.Background(), tt.args, strings.NewReader(tt.stdin), &out, &out)
			if code != tt.code || !strings.Contains(out.String(), tt.want) {
				t.Errorf("exit %d, want %d with %q:\n%s", code, tt.code, tt.want, &out)
			}
		})
	}
}

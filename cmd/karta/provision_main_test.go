package main

import (
	"io"
	"log/slog"
	"os"
	"testing"

	"karta/internal/systemtest"
)

// TestMain removes the commands the provisioning tests built, once all
// tests ran.
func TestMain(m *testing.M) {
	code := m.Run()
	systemtest.RemoveBuilds()
	os.Exit(code)
}

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

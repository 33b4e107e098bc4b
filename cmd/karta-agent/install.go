package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"karta/offline"
	"karta/offline/bundle"
)

// install installs list bundles from files (a technician's USB stick).
// With the agent running (the stores are locked), the files are queued in
// its inbox instead.
func install(_ context.Context, args []string, stdout, stderr io.Writer) int {
	cfg, files, err := parseConfig("install", args, stderr)
	if err != nil || len(files) == 0 {
		fmt.Fprintln(stderr, "karta-agent install --config FILE BUNDLE...", err)
		return 2
	}
	lists, err := openLists(cfg)
	if err != nil {
		return queue(cfg.InboxDir(), files, stdout, stderr)
	}
	defer lists.Close()
	k, err := loadKeys(cfg)
	if err != nil {
		fmt.Fprintln(stderr, "karta-agent:", err)
		return 1
	}
	code := 0
	for _, f := range files {
		if err := installFile(lists, k, f, stdout); err != nil {
			fmt.Fprintf(stderr, "✗ %s: %v\n", filepath.Base(f), err)
			code = 1
		}
	}
	return code
}

func installFile(lists *offline.Lists, k keys, path string, stdout io.Writer) error {
	b, err := bundle.ReadFile(path)
	if err != nil {
		return err
	}
	v, err := bundle.Open(b, k.lists, time.Now())
	if err != nil {
		return err
	}
	ver := v.Version()
	bar := newBar(stdout, fmt.Sprintf("%s v%d", ver.List, ver.Version), ver.Ops)
	err = lists.Install(ver, v, bar.set)
	bar.done(err)
	return err
}

// queue copies bundles into the running agent's inbox.
func queue(inbox string, files []string, stdout, stderr io.Writer) int {
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err == nil {
			err = os.WriteFile(filepath.Join(inbox, filepath.Base(f)), b, 0o640)
		}
		if err != nil {
			fmt.Fprintf(stderr, "✗ %s: %v\n", f, err)
			return 1
		}
		fmt.Fprintf(stdout, "queued %s for the running agent (it installs it within %s)\n", filepath.Base(f), inboxEvery)
	}
	return 0
}

package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"karta/agent"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/token"
)

// parseConfig reads the --config flag (and any flags more adds) and the
// file it names.
func parseConfig(name string, args []string, stderr io.Writer, more ...func(*flag.FlagSet)) (*agent.Config, []string, error) {
	fs := flag.NewFlagSet("karta-agent "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	path := fs.String("config", "/etc/karta/agent.toml", "device config `FILE`")
	for _, m := range more {
		m(fs)
	}
	if err := fs.Parse(args); err != nil {
		return nil, nil, err
	}
	cfg, err := agent.LoadConfig(*path)
	return cfg, fs.Args(), err
}

func newLogger(level string, w io.Writer) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(strings.ToUpper(level))); err != nil || level == "" {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// stores are the device's two bbolt files.
type stores struct {
	lists   *offline.Lists
	journal *offline.Journal
}

func openStores(cfg *agent.Config) (*stores, error) {
	if err := cfg.MkDirs(); err != nil {
		return nil, err
	}
	lists, err := offline.OpenLists(cfg.ListsPath(), offline.ListsOptions{})
	if err != nil {
		return nil, inUse(err)
	}
	journal, err := offline.OpenJournal(cfg.JournalPath(), offline.JournalOptions{MaxTaps: cfg.JournalMaxTaps})
	if err != nil {
		lists.Close()
		return nil, inUse(err)
	}
	return &stores{lists: lists, journal: journal}, nil
}

// openLists opens lists.db alone, for installs: they touch no journal.
func openLists(cfg *agent.Config) (*offline.Lists, error) {
	if err := cfg.MkDirs(); err != nil {
		return nil, err
	}
	l, err := offline.OpenLists(cfg.ListsPath(), offline.ListsOptions{})
	return l, inUse(err)
}

func inUse(err error) error {
	if err != nil && strings.Contains(err.Error(), "timeout") {
		return fmt.Errorf("%w (is karta-agent running? it holds the stores)", err)
	}
	return err
}

func (s *stores) close() {
	s.journal.Close()
	s.lists.Close()
}

// keys are the token key and the pinned list keys.
type keys struct {
	token *token.Key
	lists bundle.KeyRing
}

func loadKeys(cfg *agent.Config) (keys, error) {
	tk, err := token.LoadKey(cfg.TokenKey)
	if err != nil {
		return keys{}, err
	}
	ring, err := bundle.LoadKeyRing(cfg.ListKeys...)
	return keys{token: tk, lists: ring}, err
}

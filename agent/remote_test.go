package agent_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"karta/agent"
	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
	"karta/sim"
	tapsync "karta/sync"
)

const nightRules = "role = \"bus\"\nlists = [\"bus-fleet\", \"bus-night\"]\n\n[bus]\nfull_fare = 5000\nrepeat_window = \"5m\"\n"

func remote(t *testing.T, dev *agent.Device, dir string) *agent.RemoteConfig {
	return &agent.RemoteConfig{Path: filepath.Join(dir, "config.signed"), Device: dev, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}

func signedConfig(t *testing.T, key *bundle.SigningKey, c tapsync.Config) []byte {
	t.Helper()
	b, err := tapsync.Sign(key, c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestRemoteConfig: a config's rules run at once, are kept signed and run
// again after a restart; what does not compile, or changes the role, is
// refused and changes nothing; a kept file that was changed is refused.
func TestRemoteConfig(t *testing.T) {
	key := bundletest.Key(t)
	dir := t.TempDir()
	dev := &agent.Device{Engine: engine(t, busRules())}
	rc := remote(t, dev, dir)
	cfg := tapsync.Config{V: 1, Device: "bus-0042", Version: 2, Issued: time.Now(), Rules: nightRules}
	signed := signedConfig(t, key, cfg)
	if err := rc.Apply(cfg, signed); err != nil {
		t.Fatal(err)
	}
	if rc.Version() != 2 || !slices.Equal(dev.CurrentEngine().Lists(), []string{"bus-fleet", "bus-night"}) {
		t.Fatalf("after apply: v%d, lists %v", rc.Version(), dev.CurrentEngine().Lists())
	}
	for name, rules := range map[string]string{
		"another role":    "role = \"turnstile\"\nlists = [\"school-39\"]\n[school]\nschool = \"school-39\"\n",
		"no lists":        "role = \"bus\"\n[bus]\nfull_fare = 4200\n",
		"not TOML":        "role = = bus",
		"an unknown key":  nightRules + "free_for_all = true\n",
		"a wildcard list": "role = \"bus\"\nlists = [\"bus-fleet\", \"#\"]\n[bus]\nfull_fare = 4200\n",
	} {
		c := tapsync.Config{V: 1, Device: "bus-0042", Version: 3, Issued: time.Now(), Rules: rules}
		if err := rc.Apply(c, signedConfig(t, key, c)); err == nil || rc.Version() != 2 {
			t.Errorf("%s: applied (err %v, v%d)", name, err, rc.Version())
		}
	}
	kept, err := os.ReadFile(rc.Path)
	if err != nil || !bytes.Equal(kept, signed) {
		t.Fatalf("the kept config is not v2 as signed: %v", err)
	}

	dev2 := &agent.Device{Engine: engine(t, busRules())} // a restart
	rc2 := remote(t, dev2, dir)
	if err := rc2.Load("bus-0042", bundletest.Ring(t, key)); err != nil || rc2.Version() != 2 || len(dev2.CurrentEngine().Lists()) != 2 {
		t.Fatalf("load: %v, v%d", err, rc2.Version())
	}
	var s tapsync.Signed
	if err := json.Unmarshal(kept, &s); err != nil {
		t.Fatal(err)
	}
	s.Payload = bytes.Replace(s.Payload, []byte("5000"), []byte("0001"), 1) // a cheaper fare
	changed, _ := json.Marshal(s)
	os.WriteFile(rc.Path, changed, 0o600)
	dev3 := &agent.Device{Engine: engine(t, busRules())}
	if err := remote(t, dev3, dir).Load("bus-0042", bundletest.Ring(t, key)); !errors.Is(err, tapsync.ErrPayload) || len(dev3.CurrentEngine().Lists()) != 1 {
		t.Errorf("a changed file: %v, lists %v", err, dev3.CurrentEngine().Lists())
	}
	if err := remote(t, dev3, t.TempDir()).Load("bus-0042", bundletest.Ring(t, key)); err != nil {
		t.Errorf("no kept config is no error: %v", err)
	}
}

// TestSetEngineWhileTapping swaps the rules while taps are decided (run
// with -race): each tap is decided by one engine whole, the one that
// consults bus-fleet (installed) or the one that consults bus-other (not).
func TestSetEngineWhileTapping(t *testing.T) {
	r := newRig(t, busRules(), offline.JournalOptions{})
	other := busRules()
	other.Lists = []string{"bus-other"}
	engines := []*agent.Engine{engine(t, busRules()), engine(t, other)}
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := 0; ctx.Err() == nil; i++ {
			r.dev.SetEngine(engines[i%2])
		}
	})
	for g := 0; g < 2; g++ {
		wg.Go(func() {
			for i := 0; i < 100; i++ {
				c, _ := sim.Lookup("mir-debit")
				r.dev.Tap(context.Background(), c.Insert(), "front", "")
			}
		})
	}
	for r.journal.Stats().NextSeq <= 200 {
		time.Sleep(time.Millisecond)
	}
	cancel()
	wg.Wait()
	taps, err := r.journal.Range(0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, tap := range taps {
		onList := tap.Reason == string(agent.ReasonOK) || tap.Reason == string(agent.ReasonRepeatTap)
		if onList != (tap.List == "bus-fleet") || !onList && tap.Reason != string(agent.ReasonListMissing) {
			t.Errorf("tap %d decided half by one engine, half by the other: %+v", tap.Seq, tap)
		}
	}
}

func FuzzParseRules(f *testing.F) {
	f.Add(nightRules)
	f.Add("role = \"canteen\"\nlists = [\"school-39\"]\n[school]\nschool = \"school-39\"\nmeals = [{name = \"lunch\", from = \"11:00\", to = \"14:00\"}]\n")
	f.Fuzz(func(t *testing.T, text string) {
		r, err := agent.ParseRules(text)
		if err != nil {
			return
		}
		if e, err := r.Compile(); err == nil && (e.Role() == "" || len(e.Lists()) == 0) {
			t.Fatalf("compiled without a role or lists: %q", text)
		}
	})
}

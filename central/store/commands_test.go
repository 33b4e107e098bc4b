package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	tapsync "karta/sync"
)

func command(id, dev string, issued time.Time, ttl time.Duration) store.Command {
	return store.Command{ID: id, Device: dev, Kind: tapsync.CmdSelftest, Signed: []byte("signed " + id),
		Issued: issued, Expires: issued.Add(ttl)}
}

// TestClaimCommands: a command is claimed once, an expired one never, a
// released one again.
func TestClaimCommands(t *testing.T) {
	ctx := context.Background()
	t0 := storetest.T0
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, id := range []string{"bus-1", "bus-2", "bus-3", "bus-4"} {
			must(t, s.UpdateStatus(ctx, tapsync.Status{Device: id, Online: id != "bus-3", Time: t0}, t0))
		}
		must(t, s.RevokeDevice(ctx, "bus-4"))
		must(t, s.AddCommand(ctx, command("c1", "bus-1", t0, 10*time.Minute)))
		must(t, s.AddCommand(ctx, command("c2", "bus-2", t0.Add(time.Minute), 10*time.Minute)))
		must(t, s.AddCommand(ctx, command("c3", "bus-1", t0.Add(-time.Hour), time.Minute)))
		must(t, s.AddCommand(ctx, command("offline", "bus-3", t0, 20*time.Minute)))
		must(t, s.AddCommand(ctx, command("revoked", "bus-4", t0, 20*time.Minute)))
		must(t, s.AddCommand(ctx, command("unknown", "bus-5", t0, 20*time.Minute)))
		if err := s.AddCommand(ctx, command("c1", "bus-1", t0, time.Minute)); !errors.Is(err, store.ErrExists) {
			t.Errorf("same id again: %v", err)
		}
		claims := []struct {
			at   time.Time
			want []string
		}{
			{t0.Add(2 * time.Minute), []string{"c1", "c2"}},
			{t0.Add(3 * time.Minute), nil},
		}
		for _, c := range claims {
			cs, err := s.ClaimCommands(ctx, c.at)
			must(t, err)
			if got := ids(cs); !reflect.DeepEqual(got, c.want) {
				t.Errorf("claim at %s: %v, want %v", c.at, got, c.want)
			}
		}
		must(t, s.ReleaseCommand(ctx, "c2"))
		cs, err := s.ClaimCommands(ctx, t0.Add(4*time.Minute))
		if err != nil || !reflect.DeepEqual(ids(cs), []string{"c2"}) || !cs[0].Sent.Equal(t0.Add(4*time.Minute)) {
			t.Errorf("claim after release: %+v, %v", cs, err)
		}
		cs, err = s.ClaimCommands(ctx, t0.Add(11*time.Minute+time.Second))
		if err != nil || len(cs) != 0 {
			t.Errorf("claim with only offline, revoked and unknown devices' commands: %+v, %v", cs, err)
		}
		must(t, s.UpdateStatus(ctx, tapsync.Status{Device: "bus-3", Online: true, Time: t0}, t0))
		if cs, err = s.ClaimCommands(ctx, t0.Add(12*time.Minute)); err != nil || !reflect.DeepEqual(ids(cs), []string{"offline"}) {
			t.Errorf("claim when bus-3 is back: %v, %v", ids(cs), err)
		}
		if cs, err = s.ClaimCommands(ctx, t0.Add(21*time.Minute)); err != nil || len(cs) != 0 {
			t.Errorf("claim after every expiry: %+v, %v", cs, err)
		}
		if err := s.ReleaseCommand(ctx, "c9"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("release unknown: %v", err)
		}
	})
}

func ids(cs []store.Command) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

func TestCommandResults(t *testing.T) {
	ctx := context.Background()
	t0 := storetest.T0
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		must(t, s.AddCommand(ctx, command("c1", "bus-1", t0, time.Minute)))
		must(t, s.AddCommand(ctx, command("c2", "bus-1", t0.Add(time.Second), time.Minute)))
		must(t, s.AddCommand(ctx, command("c3", "bus-2", t0.Add(2*time.Second), time.Minute)))
		r := tapsync.CommandResult{ID: "c1", Kind: tapsync.CmdSelftest, OK: false, Detail: "reader pcsc0 missing", At: t0.Add(30 * time.Second)}
		must(t, s.RecordCommandResult(ctx, "bus-1", r))
		must(t, s.RecordCommandResult(ctx, "bus-1", r)) // statuses repeat it
		for name, err := range map[string]error{
			"another device's": s.RecordCommandResult(ctx, "bus-2", r),
			"unknown":          s.RecordCommandResult(ctx, "bus-1", tapsync.CommandResult{ID: "c9", At: t0}),
		} {
			if !errors.Is(err, store.ErrNotFound) {
				t.Errorf("%s command: %v", name, err)
			}
		}
		if err := s.RecordCommandResult(ctx, "bus-1", tapsync.CommandResult{ID: "c2"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("result without a time: %v", err)
		}
		cs, err := s.Commands(ctx, "bus-1", 0)
		must(t, err)
		want := []store.Command{command("c2", "bus-1", t0.Add(time.Second), time.Minute), command("c1", "bus-1", t0, time.Minute)}
		want[1].Result = &r
		if !reflect.DeepEqual(cs, want) {
			t.Errorf("Commands(bus-1):\n got %+v\nwant %+v", cs, want)
		}
		if all, err := s.Commands(ctx, "", 2); err != nil || !reflect.DeepEqual(ids(all), []string{"c3", "c2"}) {
			t.Errorf("Commands(all, 2): %v, %v", ids(all), err)
		}
	})
}

func TestCommandRefused(t *testing.T) {
	ctx := context.Background()
	t0 := storetest.T0
	bad := map[string]func(c *store.Command){
		"device":       func(c *store.Command) { c.Device = "Bus 1" },
		"no id":        func(c *store.Command) { c.ID = "" },
		"kind":         func(c *store.Command) { c.Kind = "reboot" },
		"expired":      func(c *store.Command) { c.Expires = c.Issued },
		"unsigned":     func(c *store.Command) { c.Signed = nil },
		"no issue day": func(c *store.Command) { c.Issued = time.Time{} },
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for name, f := range bad {
			c := command("c1", "bus-1", t0, time.Minute)
			f(&c)
			if err := s.AddCommand(ctx, c); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

// TestConfigVersions: the stamp moves with every stored config, and the
// running version is recorded beside the issued one.
func TestConfigVersions(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		stamps := map[string]bool{}
		stamp := func() {
			st, err := s.ConfigStamp(ctx)
			must(t, err)
			if stamps[st] {
				t.Errorf("stamp %s seen before", st)
			}
			stamps[st] = true
		}
		stamp()
		must(t, s.SaveConfig(ctx, "bus-1", 1, []byte("v1")))
		stamp()
		must(t, s.SaveConfig(ctx, "bus-2", 1, []byte("v1")))
		stamp()
		must(t, s.SaveConfig(ctx, "bus-1", 2, []byte("v2")))
		stamp()
		must(t, s.NoteRunningConfig(ctx, "bus-1", 1))
		must(t, s.NoteRunningConfig(ctx, "bus-1", 1))
		must(t, s.NoteRunningConfig(ctx, "bus-9", 4)) // no config: nothing to note
		vs, err := s.ConfigVersions(ctx)
		want := []store.ConfigVersion{{"bus-1", 2, 1}, {"bus-2", 1, 0}}
		if err != nil || !reflect.DeepEqual(vs, want) {
			t.Errorf("ConfigVersions: %+v, %v", vs, err)
		}
	})
}

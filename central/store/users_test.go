package store_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
)

func TestUsers(t *testing.T) {
	ctx := context.Background()
	now := storetest.T0
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.OpenOptions(t, dsn, store.Options{Now: clock(now)})
		must(t, s.AddUser(ctx, store.User{Name: "olga", Role: store.RoleAdmin, Hash: "h1"}))
		must(t, s.AddUser(ctx, store.User{Name: "ivan.p", Role: store.RoleViewer, Hash: "h2", Created: now.Add(-time.Hour)}))
		if err := s.AddUser(ctx, store.User{Name: "olga", Role: store.RoleViewer, Hash: "h3"}); !errors.Is(err, store.ErrExists) {
			t.Errorf("AddUser twice: %v, want ErrExists", err)
		}
		must(t, s.RecordLogin(ctx, "ivan.p", false, now.Add(time.Minute)))
		must(t, s.RecordLogin(ctx, "ivan.p", false, now.Add(2*time.Minute)))
		must(t, s.RecordLogin(ctx, "nobody", false, now))
		must(t, s.SetUserRole(ctx, "ivan.p", store.RoleTechnician))
		users, err := s.Users(ctx)
		must(t, err)
		want := []store.User{
			{Name: "ivan.p", Role: store.RoleTechnician, Hash: "h2", Created: now.Add(-time.Hour), Failures: 2, Failed: now.Add(2 * time.Minute)},
			{Name: "olga", Role: store.RoleAdmin, Hash: "h1", Created: now},
		}
		if !reflect.DeepEqual(users, want) {
			t.Errorf("Users:\n got %+v\nwant %+v", users, want)
		}
		must(t, s.RecordLogin(ctx, "ivan.p", true, now.Add(3*time.Minute)))
		u, err := s.User(ctx, "ivan.p")
		if err != nil || u.Failures != 0 || !u.Failed.IsZero() {
			t.Errorf("after a good login: %+v, %v", u, err)
		}
		must(t, s.SetPassword(ctx, "olga", "h4"))
		if u, err := s.User(ctx, "olga"); err != nil || u.Hash != "h4" {
			t.Errorf("after SetPassword: %+v, %v", u, err)
		}
	})
}

func TestUserErrors(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for name, tt := range map[string]struct {
			err  error
			want error
		}{
			"bad name":        {s.AddUser(ctx, store.User{Name: "o lga", Role: store.RoleAdmin, Hash: "h"}), store.ErrInvalid},
			"long name":       {s.AddUser(ctx, store.User{Name: strings.Repeat("a", 65), Role: store.RoleAdmin, Hash: "h"}), store.ErrInvalid},
			"bad role":        {s.AddUser(ctx, store.User{Name: "olga", Role: "root", Hash: "h"}), store.ErrInvalid},
			"no hash":         {s.AddUser(ctx, store.User{Name: "olga", Role: store.RoleAdmin}), store.ErrInvalid},
			"unknown":         {second(s.User(ctx, "olga")), store.ErrNotFound},
			"passwd unknown":  {s.SetPassword(ctx, "olga", "h"), store.ErrNotFound},
			"passwd empty":    {s.SetPassword(ctx, "olga", ""), store.ErrInvalid},
			"disable unknown": {s.SetUserDisabled(ctx, "olga", true), store.ErrNotFound},
			"role unknown":    {s.SetUserRole(ctx, "olga", store.RoleViewer), store.ErrNotFound},
			"role bad":        {s.SetUserRole(ctx, "olga", "root"), store.ErrInvalid},
			"session bad":     {s.AddSession(ctx, store.Session{IDHash: "short", User: "olga", CSRF: "c", Created: storetest.T0}), store.ErrInvalid},
			"session unknown": {second(s.Session(ctx, strings.Repeat("0", 64))), store.ErrNotFound},
		} {
			if !errors.Is(tt.err, tt.want) || !strings.HasPrefix(tt.err.Error(), "store: ") {
				t.Errorf("%s: %v, want %v", name, tt.err, tt.want)
			}
		}
	})
}

// TestSessions: a session reads back with its user's role; it ends when
// deleted, when its user is disabled or gets a new password, and when
// stale.
func TestSessions(t *testing.T) {
	ctx := context.Background()
	t0 := storetest.T0
	id := func(c string) string { return strings.Repeat(c, 64) }
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		must(t, s.AddUser(ctx, store.User{Name: "olga", Role: store.RoleTechnician, Hash: "h"}))
		must(t, s.AddUser(ctx, store.User{Name: "ivan", Role: store.RoleViewer, Hash: "h"}))
		for _, se := range []store.Session{
			{IDHash: id("a"), User: "olga", CSRF: "csrf-a", Created: t0},
			{IDHash: id("b"), User: "olga", CSRF: "csrf-b", Created: t0.Add(-8 * 24 * time.Hour), Seen: t0},
			{IDHash: id("c"), User: "ivan", CSRF: "csrf-c", Created: t0.Add(-9 * time.Hour)},
			{IDHash: id("d"), User: "ivan", CSRF: "csrf-d", Created: t0},
		} {
			must(t, s.AddSession(ctx, se))
		}
		must(t, s.TouchSession(ctx, id("a"), t0.Add(time.Hour)))
		se, err := s.Session(ctx, id("a"))
		want := store.Session{IDHash: id("a"), User: "olga", Role: store.RoleTechnician, CSRF: "csrf-a", Created: t0, Seen: t0.Add(time.Hour)}
		if err != nil || se != want {
			t.Errorf("Session(a) = %+v, %v\nwant %+v", se, err, want)
		}
		n, err := s.DeleteStaleSessions(ctx, t0.Add(-8*time.Hour), t0.Add(-7*24*time.Hour))
		if err != nil || n != 2 {
			t.Errorf("DeleteStaleSessions = %d, %v; want 2 (b too old, c idle)", n, err)
		}
		gone(t, s, id("b"), id("c"))
		must(t, s.SetUserDisabled(ctx, "ivan", true))
		gone(t, s, id("d"))
		must(t, s.SetUserDisabled(ctx, "ivan", false))
		must(t, s.SetPassword(ctx, "olga", "h2"))
		gone(t, s, id("a"))
		must(t, s.AddSession(ctx, store.Session{IDHash: id("e"), User: "olga", CSRF: "csrf-e", Created: t0}))
		must(t, s.DeleteSession(ctx, id("e")))
		must(t, s.DeleteSession(ctx, id("e")))
		gone(t, s, id("e"))
	})
}

func gone(t *testing.T, s *store.Store, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if se, err := s.Session(context.Background(), id); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("session %.4s…: %+v, %v; want it gone", id, se, err)
		}
	}
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"karta/central/store"
	"karta/central/store/storetest"
)

func members(t *testing.T, s *store.Store, list string) []store.Member {
	t.Helper()
	var ms []store.Member
	must(t, s.ScanMembers(context.Background(), list, func(m store.Member) error {
		ms = append(ms, m)
		return nil
	}))
	return ms
}

func buildRow(list string, version, base uint64) store.ListRow {
	l := listRow(version, base, fmt.Sprintf("chunk of v%d base %d", version, base))
	l.List = list
	return l
}

func TestSaveBuild(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if h, err := s.ListHead(ctx, "school-39"); h != 0 || err != nil {
			t.Fatalf("head of nothing: %d, %v", h, err)
		}
		first := store.ListBuild{Snapshot: buildRow("school-39", 1, 0),
			Put: []store.Member{{Token: tokPass, Hash: 1}, {Token: tokBus, Hash: 1<<63 + 5}, {Token: tokStop, Hash: 3}}}
		must(t, s.SaveBuild(ctx, first))
		d := buildRow("school-39", 2, 1)
		second := store.ListBuild{Head: 1, Snapshot: buildRow("school-39", 2, 0), Delta: &d,
			Put: []store.Member{{Token: tokPass, Hash: 10}, {Token: tokMeals, Hash: 4}}, Delete: []string{tokStop, tokOther}}
		must(t, s.SaveBuild(ctx, second))
		want := []store.Member{{Token: tokBus, Hash: 1<<63 + 5}, {Token: tokMeals, Hash: 4}, {Token: tokPass, Hash: 10}}
		if got := members(t, s, "school-39"); !reflect.DeepEqual(got, want) {
			t.Errorf("members after two builds:\n got %v\nwant %v", got, want)
		}
		if h, err := s.ListHead(ctx, "school-39"); h != 2 || err != nil {
			t.Errorf("head = %d, %v; want 2", h, err)
		}
		vs, err := s.ListVersions(ctx, "school-39")
		if err != nil || len(vs) != 3 || vs[0].Base != 0 || vs[1].Base != 1 || vs[2].Version != 1 {
			t.Errorf("versions %+v, %v", vs, err)
		}
		if c, err := s.ListChunk(ctx, "school-39", 2, 1, 0); string(c) != "chunk of v2 base 1" || err != nil {
			t.Errorf("delta chunk %q, %v", c, err)
		}
		latest, err := s.LatestVersions(ctx)
		if err != nil || !reflect.DeepEqual(latest, map[string]uint64{"school-39": 2}) {
			t.Errorf("LatestVersions = %v, %v", latest, err)
		}
	})
}

// TestSaveBuildRace: of two builds from one head only the first is
// stored; the second stores nothing at all.
func TestSaveBuildRace(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		must(t, s.SaveBuild(ctx, store.ListBuild{Snapshot: buildRow("bus-fleet", 1, 0), Put: []store.Member{{Token: tokBus, Hash: 1}}}))
		d := buildRow("bus-fleet", 2, 1)
		win := store.ListBuild{Head: 1, Snapshot: buildRow("bus-fleet", 2, 0), Delta: &d, Put: []store.Member{{Token: tokBus, Hash: 2}}}
		must(t, s.SaveBuild(ctx, win))
		lose := win
		lose.Snapshot, lose.Delta = buildRow("bus-fleet", 3, 0), nil
		lose.Put = []store.Member{{Token: tokStop, Hash: 9}}
		if err := s.SaveBuild(ctx, lose); !errors.Is(err, store.ErrExists) {
			t.Fatalf("a build from a moved head: %v, want ErrExists", err)
		}
		first := store.ListBuild{Snapshot: buildRow("bus-fleet", 5, 0)}
		if err := s.SaveBuild(ctx, first); !errors.Is(err, store.ErrExists) {
			t.Fatalf("a first build of a built list: %v, want ErrExists", err)
		}
		if got := members(t, s, "bus-fleet"); !reflect.DeepEqual(got, []store.Member{{Token: tokBus, Hash: 2}}) {
			t.Errorf("members %v: a refused build changed them", got)
		}
		if vs, _ := s.ListVersions(ctx, "bus-fleet"); len(vs) != 3 {
			t.Errorf("%d versions stored, want 3", len(vs))
		}
	})
}

func TestSaveBuildRefuses(t *testing.T) {
	ctx := context.Background()
	d := buildRow("bus-fleet", 2, 0)
	bad := []store.ListBuild{
		{Snapshot: buildRow("bus-fleet", 2, 1)},                    // a delta as the snapshot
		{Head: 2, Snapshot: buildRow("bus-fleet", 2, 0)},           // not above the head
		{Snapshot: buildRow("bus-fleet", 2, 0), Delta: &d},         // a delta without a head
		{Head: 1, Snapshot: buildRow("school-7", 2, 0), Delta: &d}, // a delta of another list
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for i, b := range bad {
			if err := s.SaveBuild(ctx, b); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("build %d: %v, want ErrInvalid", i, err)
			}
		}
	})
}

func TestSchoolsAndTokens(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, err := s.PutEntitlements(ctx, registry()); err != nil {
			t.Fatal(err)
		}
		schools, err := s.Schools(ctx)
		if err != nil || !reflect.DeepEqual(schools, []string{"school-39", "school-7"}) {
			t.Errorf("Schools = %v, %v", schools, err)
		}
		var toks []string
		must(t, s.ScanTokens(ctx, func(tok string) error { toks = append(toks, tok); return nil }))
		want := []string{tokKeyK0, tokBoth, tokBus, tokMeals, tokStopBus, tokStop, tokPass, tokOther}
		if !reflect.DeepEqual(toks, want) {
			t.Errorf("ScanTokens:\n got %v\nwant %v", toks, want)
		}
		must(t, s.SaveList(ctx, buildRow("bus-fleet", 1, 0)))
		if names, err := s.ListNames(ctx); err != nil || !reflect.DeepEqual(names, []string{"bus-fleet"}) {
			t.Errorf("ListNames = %v, %v", names, err)
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"karta/central/store"
	"karta/central/store/storetest"
)

func listRow(version, base uint64, chunks ...string) store.ListRow {
	l := store.ListRow{List: "bus-fleet", Version: version, Base: base, Issued: at(int(version)), Expires: at(1000),
		Ops: 10 * int(version), Signed: []byte(`{"key_id":"k1","manifest":"...","sig":"..."}`), NChunks: len(chunks),
		Created: at(int(version) + 1)}
	for _, c := range chunks {
		l.Chunks = append(l.Chunks, []byte(c))
	}
	return l
}

func TestLists(t *testing.T) {
	ctx := context.Background()
	rows := []store.ListRow{listRow(1, 0, "a", "b", "c"), listRow(2, 1, "d"), listRow(2, 0, "a", "b", "e"), listRow(3, 2, "\x00\xff")}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, ok, err := s.LatestList(ctx, "bus-fleet"); ok || err != nil {
			t.Fatalf("LatestList of nothing: %v, %v", ok, err)
		}
		for _, l := range rows {
			must(t, s.SaveList(ctx, l))
		}
		latest, ok, err := s.LatestList(ctx, "bus-fleet")
		if err != nil || !ok || !reflect.DeepEqual(latest, rows[3]) {
			t.Errorf("LatestList = %+v, %v, %v; want %+v", latest, ok, err, rows[3])
		}
		vs, err := s.ListVersions(ctx, "bus-fleet")
		must(t, err)
		want := []store.ListRow{rows[3], rows[2], rows[1], rows[0]}
		for i := range want {
			want[i].Chunks = nil
		}
		if !reflect.DeepEqual(vs, want) {
			t.Errorf("ListVersions:\n got %+v\nwant %+v", vs, want)
		}
		c, err := s.ListChunk(ctx, "bus-fleet", 2, 0, 2)
		if err != nil || string(c) != "e" {
			t.Errorf("ListChunk(v2, 2) = %q, %v", c, err)
		}
	})
}

func TestListErrors(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		must(t, s.SaveList(ctx, listRow(1, 0, "a")))
		if err := s.SaveList(ctx, listRow(1, 0, "other")); !errors.Is(err, store.ErrExists) {
			t.Errorf("saving a version again: %v", err)
		}
		for _, l := range []store.ListRow{listRow(2, 2), {List: "x", Version: 1}, listRow(0, 0)} {
			if err := s.SaveList(ctx, l); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("v%d base %d: %v, want ErrInvalid", l.Version, l.Base, err)
			}
		}
		if _, err := s.ListChunk(ctx, "bus-fleet", 1, 0, 1); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("missing chunk: %v", err)
		}
		if c, err := s.ListChunk(ctx, "bus-fleet", 1, 0, 0); err != nil || string(c) != "a" {
			t.Errorf("the first save was changed: %q, %v", c, err)
		}
	})
}

func TestConfig(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		if _, _, err := s.Config(ctx, "bus-1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("no config yet: %v", err)
		}
		steps := []struct {
			version uint64
			err     error
			want    uint64
		}{{1, nil, 1}, {1, store.ErrNotNewer, 1}, {3, nil, 3}, {2, store.ErrNotNewer, 3}, {0, store.ErrInvalid, 3}}
		for _, st := range steps {
			signed := []byte{byte(st.version), 0, 0xff}
			if err := s.SaveConfig(ctx, "bus-1", st.version, signed); !errors.Is(err, st.err) {
				t.Errorf("SaveConfig v%d: %v, want %v", st.version, err, st.err)
			}
			v, got, err := s.Config(ctx, "bus-1")
			if err != nil || v != st.want || got[0] != byte(st.want) {
				t.Errorf("after v%d: Config = v%d %x, %v; want v%d", st.version, v, got, err, st.want)
			}
		}
	})
}

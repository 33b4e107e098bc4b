package offline_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"karta/offline"
	"karta/offline/offlinetest"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func clock() func() time.Time { return func() time.Time { return t0 } }

func version(list string, v, base uint64, ops int) offline.ListVersion {
	return offline.ListVersion{List: list, Version: v, Base: base, Issued: t0.Add(-time.Hour), Expires: t0.Add(30 * 24 * time.Hour), Ops: ops}
}

func snapshot(t *testing.T, l *offline.Lists, v uint64, entries ...*offline.Entry) {
	t.Helper()
	src := offlinetest.Puts(entries...)
	if err := l.Install(version("bus-fleet", v, 0, src.Len()), src, nil); err != nil {
		t.Fatal(err)
	}
}

func discount(t *testing.T, l *offline.Lists, i int) int {
	t.Helper()
	e, err := l.Get("bus-fleet", offlinetest.Token(i))
	if err != nil {
		t.Fatal(err)
	}
	if e == nil {
		return -1
	}
	return int(e.Bus.Discount)
}

func TestSnapshotAndDelta(t *testing.T) {
	l := offlinetest.Lists(t, clock())
	snapshot(t, l, 1, offlinetest.Entry(1, 100), offlinetest.Entry(2, 50), offlinetest.Entry(3, 50))
	if discount(t, l, 1) != 100 || discount(t, l, 4) != -1 {
		t.Fatal("snapshot v1 not as installed")
	}
	delta := offlinetest.Changes(
		offline.Op{Token: offlinetest.Token(2), Entry: offlinetest.Entry(2, 100)}, // changed
		offline.Op{Token: offlinetest.Token(3)},                                   // deleted
		offline.Op{Token: offlinetest.Token(4), Entry: offlinetest.Entry(4, 30)},  // added
	)
	if err := l.Install(version("bus-fleet", 2, 1, 3), delta, nil); err != nil {
		t.Fatal(err)
	}
	got := []int{discount(t, l, 1), discount(t, l, 2), discount(t, l, 3), discount(t, l, 4)}
	if got[0] != 100 || got[1] != 100 || got[2] != -1 || got[3] != 30 {
		t.Errorf("after delta: %v", got)
	}
	if s, _ := l.State("bus-fleet"); s.Version != 2 || s.Entries != 3 {
		t.Errorf("state %+v", s)
	}
	snapshot(t, l, 5, offlinetest.Entry(9, 10))
	if discount(t, l, 1) != -1 || discount(t, l, 9) != 10 {
		t.Error("a new snapshot must replace the list whole")
	}
}

// TestRefusals: each refused install leaves v1 exactly as it was.
func TestRefusals(t *testing.T) {
	failing := offlinetest.Puts(offlinetest.Entry(7, 1), offlinetest.Entry(8, 1), offlinetest.Entry(9, 1))
	failing.FailAt, failing.Err = 2, errors.New("chunk 3: checksum mismatch")
	failingDelta := offlinetest.Changes(offline.Op{Token: offlinetest.Token(1)}, offline.Op{Token: offlinetest.Token(2)})
	failingDelta.FailAt, failingDelta.Err = 1, errors.New("truncated")
	expired := version("bus-fleet", 9, 0, 1)
	expired.Expires = t0.Add(-time.Minute)
	tests := []struct {
		name    string
		v       offline.ListVersion
		src     offline.OpSource
		wantErr error
	}{
		{"rollback", version("bus-fleet", 0, 0, 1), offlinetest.Puts(offlinetest.Entry(7, 1)), offline.ErrRollback},
		{"same version", version("bus-fleet", 1, 0, 1), offlinetest.Puts(offlinetest.Entry(7, 1)), offline.ErrRollback},
		{"delta on another base", version("bus-fleet", 3, 2, 1), offlinetest.Changes(offline.Op{Token: offlinetest.Token(1)}), offline.ErrWrongBase},
		{"delta of an unknown list", version("school-39", 3, 2, 1), offlinetest.Changes(), offline.ErrWrongBase},
		{"expired", expired, offlinetest.Puts(offlinetest.Entry(7, 1)), offline.ErrExpired},
		{"source fails mid-snapshot", version("bus-fleet", 4, 0, 3), failing, failing.Err},
		{"source fails mid-delta", version("bus-fleet", 4, 1, 2), failingDelta, failingDelta.Err},
		{"fewer ops than the manifest", version("bus-fleet", 4, 0, 5), offlinetest.Puts(offlinetest.Entry(7, 1)), offline.ErrCorrupt},
		{"delete in a snapshot", version("bus-fleet", 4, 0, 1), offlinetest.Changes(offline.Op{Token: offlinetest.Token(1)}), offline.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := offlinetest.Lists(t, clock())
			snapshot(t, l, 1, offlinetest.Entry(1, 100), offlinetest.Entry(2, 50))
			if err := l.Install(tt.v, tt.src, nil); !errors.Is(err, tt.wantErr) {
				t.Fatalf("Install = %v, want %v", err, tt.wantErr)
			}
			s, _ := l.State("bus-fleet")
			if s.Version != 1 || s.Entries != 2 || discount(t, l, 1) != 100 || discount(t, l, 2) != 50 || discount(t, l, 7) != -1 {
				t.Errorf("list changed by a refused install: %+v", s)
			}
		})
	}
}

func TestReopenDropsCrashedInstall(t *testing.T) {
	path := filepath.Join(t.TempDir(), "lists.db")
	l, err := offline.OpenLists(path, offline.ListsOptions{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	snapshot(t, l, 1, offlinetest.Entry(1, 100))
	l.Close()
	// What a power cut in the middle of installing v2 leaves: its bucket,
	// half full, and no state pointing to it.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("list/bus-fleet/2"))
		if err == nil {
			err = b.Put([]byte(offlinetest.Token(5)), []byte{1, 0, 0, 0, 0})
		}
		return err
	})
	db.Close()
	l, err = offline.OpenLists(path, offline.ListsOptions{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	if err := l.Check(); err != nil {
		t.Fatal(err)
	}
	if s, ok := l.State("bus-fleet"); !ok || s.Version != 1 || discount(t, l, 1) != 100 {
		t.Errorf("after reopen: %+v", s)
	}
	snapshot(t, l, 2, offlinetest.Entry(6, 1)) // the same version installs cleanly
}

func TestGetUnknownList(t *testing.T) {
	l := offlinetest.Lists(t, clock())
	if _, err := l.Get("nope", "k1.x"); !errors.Is(err, offline.ErrNoList) {
		t.Errorf("Get = %v, want ErrNoList", err)
	}
}

func TestStaleness(t *testing.T) {
	s := offline.ListState{ListVersion: version("bus-fleet", 1, 0, 0)}
	if s.Age(t0) != time.Hour || s.Expired(t0) || !s.Expired(t0.Add(31*24*time.Hour)) {
		t.Errorf("age %v expired %v", s.Age(t0), s.Expired(t0))
	}
}

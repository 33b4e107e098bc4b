package bundle_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"karta/offline"
	"karta/offline/bundle"
	"karta/offline/bundle/bundletest"
)

var (
	now     = bundletest.Now
	expires = bundletest.Expires
	issued  = expires.Add(-30 * 24 * time.Hour)
)

// sampleEntries cover every part of an entry; their tokens are unsorted.
func sampleEntries() []*offline.Entry {
	return []*offline.Entry{
		{Token: "k1.CCCCCCCCCCCCCCCCCCCC", Category: "staff",
			School: &offline.SchoolPass{School: "school-39", Role: "staff", Schedule: "staff-long"}},
		{Token: "k1.AAAAAAAAAAAAAAAAAAAA", Category: "pensioner", From: 20260101, To: 20261231,
			Bus: &offline.BusRight{Discount: 100, MonthlyLimit: 60}},
		{Token: "k1.BBBBBBBBBBBBBBBBBBBB", Category: "schoolchild", To: 20270831,
			Bus:    &offline.BusRight{Discount: 50},
			School: &offline.SchoolPass{School: "school-39", Role: "student", Grade: 3},
			Meals:  &offline.MealRight{School: "school-39", Meals: []string{"breakfast", "lunch"}}},
		{Token: "k1.EEEEEEEEEEEEEEEEEEEE"},
		{Token: "k1.DDDDDDDDDDDDDDDDDDDD", Stop: &offline.Stop{Reason: "lost", Since: 20261120}},
	}
}

// deltaOps change sampleEntries: one changed, one added, one deleted.
func deltaOps() []offline.Op {
	changed := &offline.Entry{Token: "k1.AAAAAAAAAAAAAAAAAAAA", Category: "pensioner",
		Bus: &offline.BusRight{Discount: 100}, Stop: &offline.Stop{Reason: "stolen", Since: 20261121}}
	added := &offline.Entry{Token: "k1.FFFFFFFFFFFFFFFFFFFF", Category: "veteran", Bus: &offline.BusRight{Discount: 100}}
	return []offline.Op{
		{Token: added.Token, Entry: added},
		{Token: "k1.DDDDDDDDDDDDDDDDDDDD"},
		{Token: changed.Token, Entry: changed},
	}
}

// readAll drains src.
func readAll(t *testing.T, src offline.OpSource) []offline.Op {
	t.Helper()
	var ops []offline.Op
	for {
		op, err := src.Next()
		if err == io.EOF {
			return ops
		}
		if err != nil {
			t.Fatal(err)
		}
		ops = append(ops, op)
	}
}

func sortedOps(ops []offline.Op) []offline.Op {
	ops = slices.Clone(ops)
	slices.SortFunc(ops, func(a, b offline.Op) int { return strings.Compare(a.Token, b.Token) })
	return ops
}

func putsOf(es []*offline.Entry) []offline.Op {
	ops := make([]offline.Op, len(es))
	for i, e := range es {
		ops[i] = offline.Op{Token: e.Token, Entry: e}
	}
	return ops
}

// viaFile writes b in the file container and reads it back.
func viaFile(t *testing.T, b *bundle.Bundle) *bundle.Bundle {
	t.Helper()
	var buf bytes.Buffer
	n, err := b.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo = %d, %v; wrote %d", n, err, buf.Len())
	}
	got, err := bundle.Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestRoundTrip(t *testing.T) {
	key := bundletest.Key(t)
	ring := bundletest.Ring(t, key)
	tests := []struct {
		name string
		b    *bundle.Bundle
		want offline.ListVersion
		ops  []offline.Op
	}{
		{"snapshot", bundletest.Snapshot(t, key, "bus-fleet", 7, sampleEntries(), expires),
			offline.ListVersion{List: "bus-fleet", Version: 7, Issued: issued, Expires: expires, Ops: 5}, putsOf(sampleEntries())},
		{"delta", bundletest.Delta(t, key, "bus-fleet", 7, 8, deltaOps(), expires),
			offline.ListVersion{List: "bus-fleet", Version: 8, Base: 7, Issued: issued, Expires: expires, Ops: 3}, deltaOps()},
		{"empty snapshot", bundletest.Snapshot(t, key, "stoplist", 1, nil, expires),
			offline.ListVersion{List: "stoplist", Version: 1, Issued: issued, Expires: expires}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := bundle.Open(viaFile(t, tt.b), ring, now)
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Version(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Version() = %+v, want %+v", got, tt.want)
			}
			if got := readAll(t, v); !reflect.DeepEqual(got, sortedOps(tt.ops)) {
				t.Errorf("ops:\n got %v\nwant %v", got, sortedOps(tt.ops))
			}
		})
	}
}

// TestManyChunks cuts small chunks and checks every op comes out in order.
func TestManyChunks(t *testing.T) {
	key := bundletest.Key(t)
	w, err := bundle.NewSnapshot("bus-fleet", 1, bundle.Options{ChunkSize: 1000})
	if err != nil {
		t.Fatal(err)
	}
	entries := bundletest.Entries(3000)
	for _, e := range entries {
		if err := w.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	b, err := w.Sign(key, issued, expires)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Chunks) < 50 {
		t.Errorf("%d chunks of ~1000 bytes for 3000 entries", len(b.Chunks))
	}
	v, err := bundle.Open(b, bundletest.Ring(t, key), now)
	if err != nil {
		t.Fatal(err)
	}
	if got := readAll(t, v); !reflect.DeepEqual(got, sortedOps(putsOf(entries))) {
		t.Error("ops differ from the entries put")
	}
}

// TestSignTwice signs one build with two keys; both verify.
func TestSignTwice(t *testing.T) {
	k1, k2 := bundletest.NewKey(t, "k1"), bundletest.NewKey(t, "k2")
	w, err := bundle.NewSnapshot("bus-fleet", 3, bundle.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range sampleEntries() {
		if err := w.Put(e); err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []*bundle.SigningKey{k1, k2} {
		b, err := w.Sign(k, issued, expires)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := bundle.Open(b, bundletest.Ring(t, k), now); err != nil {
			t.Errorf("signed by %s: %v", k.ID(), err)
		}
	}
	if err := w.Put(sampleEntries()[0]); !errors.Is(err, bundle.ErrFormat) {
		t.Errorf("Put after Sign: %v", err)
	}
}

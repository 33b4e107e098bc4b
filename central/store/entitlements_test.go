package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/offlinetest"
)

// Tokens of the registry tests, chosen so that bytewise order differs from
// a case-insensitive collation's.
const (
	tokBus     = "k1.BBBBBBBBBBBBBBBBBBBB"
	tokPass    = "k1.aaaaaaaaaaaaaaaaaaaa"
	tokMeals   = "k1.CCCCCCCCCCCCCCCCCCCC"
	tokOther   = "k1.dddddddddddddddddddd"
	tokStop    = "k1._stop_stop_stop_stop"
	tokBoth    = "k1.A-both-both-both-bot"
	tokStopBus = "k1.Z-stopped-rider-xxxx"
	tokKeyK0   = "k0.eeeeeeeeeeeeeeeeeeee"
)

func registry() []*offline.Entry {
	return []*offline.Entry{
		{Token: tokBus, Category: "pensioner", From: 20260101, To: 20261231, Bus: &offline.BusRight{Discount: 100, MonthlyLimit: 60}},
		{Token: tokPass, Category: "schoolchild", School: &offline.SchoolPass{School: "school-39", Role: "student", Grade: 3}},
		{Token: tokMeals, Category: "schoolchild", Meals: &offline.MealRight{School: "school-39", Meals: []string{"breakfast", "lunch"}}},
		{Token: tokOther, Category: "staff", School: &offline.SchoolPass{School: "school-7", Role: "staff", Schedule: "early"}},
		{Token: tokStop, Stop: &offline.Stop{Reason: "lost", Since: 20261120}},
		{Token: tokBoth, Category: "schoolchild", Bus: &offline.BusRight{Discount: 50},
			School: &offline.SchoolPass{School: "school-39", Role: "student", Grade: 11}, Meals: &offline.MealRight{School: "school-39"}},
		{Token: tokStopBus, Category: "pensioner", Bus: &offline.BusRight{Discount: 100}, Stop: &offline.Stop{Reason: "misuse"}},
		{Token: tokKeyK0, Category: "pensioner", Bus: &offline.BusRight{Discount: 30}},
	}
}

func TestAudienceEntries(t *testing.T) {
	cases := []struct {
		a    store.Audience
		want []string
	}{
		{store.Audience{Bus: true}, []string{tokKeyK0, tokBoth, tokBus, tokStopBus, tokStop}},
		{store.Audience{School: "school-39"}, []string{tokBoth, tokMeals, tokStopBus, tokStop, tokPass}},
		{store.Audience{School: "school-7"}, []string{tokStopBus, tokStop, tokOther}},
		{store.Audience{School: "school-1"}, []string{tokStopBus, tokStop}},
		{store.Audience{Bus: true, School: "school-7"}, []string{tokKeyK0, tokBoth, tokBus, tokStopBus, tokStop, tokOther}},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		n, err := s.PutEntitlements(context.Background(), registry())
		if err != nil || n != len(registry()) {
			t.Fatalf("PutEntitlements = %d, %v", n, err)
		}
		for _, c := range cases {
			got, err := s.AudienceEntries(context.Background(), c.a)
			must(t, err)
			want := pick(registry(), c.want)
			if !slices.IsSorted(c.want) || !reflect.DeepEqual(got, want) {
				t.Errorf("%+v:\n got %v\nwant %v", c.a, tokens(got), c.want)
			}
		}
	})
}

func pick(es []*offline.Entry, toks []string) []*offline.Entry {
	var out []*offline.Entry
	for _, tok := range toks {
		i := slices.IndexFunc(es, func(e *offline.Entry) bool { return e.Token == tok })
		out = append(out, es[i])
	}
	return out
}

func tokens(es []*offline.Entry) []string {
	var ts []string
	for _, e := range es {
		ts = append(ts, e.Token)
	}
	return ts
}

func TestPutEntitlementsUpserts(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var many []*offline.Entry
		for i := range 2500 { // more than one upsert statement carries
			many = append(many, offlinetest.Entry(i, uint8(i%100)))
		}
		changed := offlinetest.Entry(7, 10)
		changed.Bus, changed.Stop = nil, &offline.Stop{Reason: "stolen", Since: 20261121}
		n, err := s.PutEntitlements(ctx, append(many, offlinetest.Entry(7, 99), changed))
		if err != nil || n != 2500 {
			t.Fatalf("PutEntitlements = %d, %v; want 2500 tokens", n, err)
		}
		must(t, s.DeleteEntitlements(ctx, []string{offlinetest.Token(1), offlinetest.Token(2), "k1.never-stored-token1"}))
		got, err := s.AudienceEntries(ctx, store.Audience{Bus: true})
		must(t, err)
		want := slices.Concat(many[:1], many[3:])
		want[7-2] = changed // token 7 (tokens 1 and 2 deleted), the last put of it
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %d entries, want %d; first differences: %v", len(got), len(want), firstDiff(got, want))
		}
	})
}

func firstDiff(a, b []*offline.Entry) string {
	for i := range min(len(a), len(b)) {
		if !reflect.DeepEqual(a[i], b[i]) {
			return a[i].Token + " vs " + b[i].Token
		}
	}
	return "lengths"
}

func TestEntitlementErrors(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		pan := &offline.Entry{Token: "2200123456789012", Bus: &offline.BusRight{Discount: 100}}
		long := &offline.Entry{Token: tokBus, Category: string(make([]byte, 300))}
		for _, e := range []*offline.Entry{pan, long} {
			if _, err := s.PutEntitlements(ctx, []*offline.Entry{registry()[0], e}); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("entry %.20q: %v, want ErrInvalid", e.Token, err)
			}
		}
		if _, err := s.AudienceEntries(ctx, store.Audience{}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("empty audience: %v", err)
		}
		if es, _ := s.AudienceEntries(ctx, store.Audience{Bus: true}); len(es) != 0 {
			t.Errorf("a refused put stored %d entries", len(es))
		}
	})
}

// A PostgreSQL database whose collation sorts case-insensitively still
// gives audiences in bytewise token order, as devices install them.
func TestAudienceOrderUnderICUCollation(t *testing.T) {
	dsn := storetest.PostgresDSN(t, "LOCALE_PROVIDER icu ICU_LOCALE 'en' TEMPLATE template0")
	s := storetest.Open(t, dsn)
	_, err := s.PutEntitlements(context.Background(), registry())
	must(t, err)
	got, err := s.AudienceEntries(context.Background(), store.Audience{Bus: true})
	must(t, err)
	if ts := tokens(got); !slices.IsSorted(ts) || len(ts) != 5 {
		t.Errorf("tokens not in bytewise order: %v", ts)
	}
}

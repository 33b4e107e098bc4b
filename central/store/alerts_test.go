package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline/offlinetest"
)

func TestAlerts(t *testing.T) {
	ctx := context.Background()
	in := []store.Alert{
		{Kind: store.AlertSeqGap, Device: "bus-1", Detail: "seqs 6..8 missing", At: at(1)},
		{Kind: store.AlertClonedCard, Device: "bus-2", Token: offlinetest.Token(5), Detail: "bus-1 then bus-2 in 40 s", At: at(3)},
		{Kind: store.AlertJournalFull, Device: "canteen-1", Detail: "82 %", At: at(2)},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for i := range in {
			id, err := s.AddAlert(ctx, in[i])
			must(t, err)
			in[i].ID = id
		}
		must(t, s.ResolveAlert(ctx, in[2].ID))
		resolved := in[2]
		resolved.Resolved = true
		cases := []struct {
			open  bool
			limit int
			want  []store.Alert
		}{
			{true, 0, []store.Alert{in[1], in[0]}},
			{false, 0, []store.Alert{in[1], resolved, in[0]}},
			{false, 1, []store.Alert{in[1]}},
		}
		for _, c := range cases {
			got, err := s.Alerts(ctx, c.open, c.limit)
			must(t, err)
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Alerts(%v, %d):\n got %+v\nwant %+v", c.open, c.limit, got, c.want)
			}
		}
	})
}

func TestAlertErrors(t *testing.T) {
	ctx := context.Background()
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.OpenOptions(t, dsn, store.Options{Now: clock(at(9))})
		if _, err := s.AddAlert(ctx, store.Alert{Kind: "weather"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("unknown kind: %v", err)
		}
		if _, err := s.AddAlert(ctx, store.Alert{Kind: store.AlertOffline, Token: "2200123456789012"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("card number for a token: %v", err)
		}
		if err := s.ResolveAlert(ctx, 404); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("resolve unknown: %v", err)
		}
		_, err := s.AddAlert(ctx, store.Alert{Kind: store.AlertOffline, Device: "bus-1"})
		must(t, err)
		as, err := s.Alerts(ctx, true, 10)
		if err != nil || len(as) != 1 || !as[0].At.Equal(at(9)) {
			t.Errorf("an alert without a time gets the clock's: %+v, %v", as, err)
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline/offlinetest"
)

// TestRaiseAlerts: an alert is raised unless one of its kind, device and
// card is open; once resolved it may be raised again.
func TestRaiseAlerts(t *testing.T) {
	ctx := context.Background()
	gap := store.Alert{Kind: store.AlertSeqGap, Device: "bus-1", Detail: "seqs 6..8 missing", At: at(1)}
	clone := store.Alert{Kind: store.AlertClonedCard, Device: "bus-2", Token: offlinetest.Token(5), Detail: "bus-1 then bus-2", At: at(2)}
	otherCard := clone
	otherCard.Token = offlinetest.Token(6)
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		raised, err := s.RaiseAlerts(ctx, []store.Alert{gap, clone, gap, otherCard})
		must(t, err)
		if got := details(raised); !reflect.DeepEqual(got, []string{"seq_gap bus-1 ", "cloned_card bus-2 " + clone.Token, "cloned_card bus-2 " + otherCard.Token}) {
			t.Errorf("first raise: %v", got)
		}
		if raised[0].ID == 0 || raised[0].Resolved {
			t.Errorf("raised %+v", raised[0])
		}
		raised, err = s.RaiseAlerts(ctx, []store.Alert{clone, gap})
		if err != nil || len(raised) != 0 {
			t.Errorf("raised again while open: %+v, %v", raised, err)
		}
		first, err := s.Alerts(ctx, true, 0)
		must(t, err)
		must(t, s.ResolveAlert(ctx, first[len(first)-1].ID)) // the gap, oldest
		raised, err = s.RaiseAlerts(ctx, []store.Alert{gap})
		if err != nil || len(raised) != 1 {
			t.Errorf("raised after resolving: %+v, %v", raised, err)
		}
		if _, err := s.RaiseAlerts(ctx, []store.Alert{{Kind: store.AlertClonedCard, Token: "2200123456789012"}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("card number for a token: %v", err)
		}
	})
}

func details(as []store.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.Kind+" "+a.Device+" "+a.Token)
	}
	return out
}

func TestMissingSeqs(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		b := batch("bus-1", 1, 10)
		b.Taps = slices.Delete(b.Taps, 4, 7) // seqs 5..7
		_, err := s.SaveTaps(ctx, []store.DeviceBatch{b, batch("bus-2", 1, 20)})
		must(t, err)
		for _, c := range []struct {
			from, to, want uint64
		}{{1, 10, 3}, {5, 7, 3}, {8, 10, 0}, {11, 20, 10}} {
			if n, err := s.MissingSeqs(ctx, "bus-1", c.from, c.to); err != nil || n != c.want {
				t.Errorf("MissingSeqs(%d, %d) = %d, %v; want %d", c.from, c.to, n, err, c.want)
			}
		}
		if _, err := s.MissingSeqs(ctx, "bus-1", 0, 3); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("seq 0: %v", err)
		}
	})
}

// TestCardSightings: a probe finds the card's taps on other devices in its
// window, with the registry's schools; not its own device's, not other
// cards', not taps outside the window.
func TestCardSightings(t *testing.T) {
	ctx := context.Background()
	t0 := storetest.T0
	card, other := offlinetest.Token(1), offlinetest.Token(2)
	tap := func(dev string, seq uint64, token string, min int) store.DeviceBatch {
		b := storetest.Batch(dev, seq, seq, recv)
		b.Taps[0].Token, b.Taps[0].Time = token, t0.Add(time.Duration(min)*time.Minute)
		return b
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		must(t, s.PutDevice(ctx, store.Device{ID: "school-39-t1", Role: "turnstile", School: "school-39"}))
		must(t, s.PutDevice(ctx, store.Device{ID: "school-7-t1", Role: "turnstile", School: "school-7"}))
		_, err := s.SaveTaps(ctx, []store.DeviceBatch{
			tap("bus-1", 1, card, 0), tap("bus-1", 2, card, 5), tap("bus-2", 1, card, 8), tap("bus-3", 1, other, 8),
			tap("bus-4", 1, card, 40), tap("school-7-t1", 1, card, 9)})
		must(t, err)
		probes := []store.CardProbe{
			{Token: card, Device: "bus-1", From: t0.Add(-10 * time.Minute), To: t0.Add(15 * time.Minute)},
			{Token: card, Device: "school-39-t1", From: t0.Add(9 * time.Minute), To: t0.Add(9 * time.Minute)},
			{Token: other, Device: "bus-3", From: t0, To: t0.Add(time.Hour)},
		}
		ss, err := s.CardSightings(ctx, probes)
		must(t, err)
		var got []string
		for _, x := range ss {
			got = append(got, strings.Join([]string{string(rune('0' + x.Probe)), x.Device, x.Role, x.School, x.ProbeSchool, x.At.Sub(t0).String()}, " "))
		}
		slices.Sort(got)
		want := []string{"0 bus-2 bus   8m0s", "0 school-7-t1 bus school-7  9m0s", "1 school-7-t1 bus school-7 school-39 9m0s"}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("sightings:\n got %q\nwant %q", got, want)
		}
		if _, err := s.CardSightings(ctx, []store.CardProbe{{Token: "2200123456789012", Device: "bus-1"}}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("card number for a token: %v", err)
		}
	})
}

func TestRevokedDevices(t *testing.T) {
	ctx := context.Background()
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, id := range []string{"bus-1", "bus-2", "bus-3"} {
			must(t, s.PutDevice(ctx, store.Device{ID: id, Role: "bus"}))
		}
		must(t, s.RevokeDevice(ctx, "bus-3"))
		must(t, s.RevokeDevice(ctx, "bus-1"))
		if ids, err := s.RevokedDevices(ctx); err != nil || !reflect.DeepEqual(ids, []string{"bus-1", "bus-3"}) {
			t.Errorf("RevokedDevices: %v, %v", ids, err)
		}
	})
}

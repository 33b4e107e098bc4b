package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/offlinetest"
)

// queryTaps are stored by TestTaps; at is minutes after T0.
var queryTaps = []struct {
	dev          string
	seq          uint64
	at, card     int
	role, reason string
	allowed      bool
}{
	{"bus-1", 1, 0, 1, "bus", "privileged", true},
	{"bus-1", 2, 1, 2, "bus", "no_entitlement", false},
	{"bus-1", 3, 2, 1, "bus", "stopped", false},
	{"school-1", 1, 3, 1, "turnstile", "entry", true},
	{"school-1", 2, 4, 3, "turnstile", "outside_hours", false},
	{"canteen-1", 1, 5, 3, "canteen", "meal", true},
	{"canteen-1", 2, 6, 2, "canteen", "stopped", false},
}

func storeQueryTaps(t *testing.T, s *store.Store) {
	t.Helper()
	var bs []store.DeviceBatch
	for _, q := range queryTaps {
		tap := storetest.Tap(q.seq, q.card)
		tap.Time = storetest.T0.Add(time.Duration(q.at) * time.Minute)
		tap.Role, tap.Reason, tap.Allowed = q.role, q.reason, q.allowed
		bs = append(bs, store.DeviceBatch{Device: q.dev, Received: recv, Taps: []offline.Tap{tap}})
	}
	if _, err := s.SaveTaps(context.Background(), bs); err != nil {
		t.Fatal(err)
	}
}

func at(min int) time.Time { return storetest.T0.Add(time.Duration(min) * time.Minute) }

func TestTaps(t *testing.T) {
	no, yes := false, true
	cases := []struct {
		name  string
		q     store.TapQuery
		want  []string // device/seq, newest first
		total int64
	}{
		{"all", store.TapQuery{}, []string{"canteen-1/2", "canteen-1/1", "school-1/2", "school-1/1", "bus-1/3", "bus-1/2", "bus-1/1"}, 7},
		{"device", store.TapQuery{Device: "bus-1"}, []string{"bus-1/3", "bus-1/2", "bus-1/1"}, 3},
		{"card", store.TapQuery{Token: offlinetest.Token(1)}, []string{"school-1/1", "bus-1/3", "bus-1/1"}, 3},
		{"role", store.TapQuery{Role: "canteen"}, []string{"canteen-1/2", "canteen-1/1"}, 2},
		{"reason", store.TapQuery{Reason: "stopped"}, []string{"canteen-1/2", "bus-1/3"}, 2},
		{"denied", store.TapQuery{Allowed: &no}, []string{"canteen-1/2", "school-1/2", "bus-1/3", "bus-1/2"}, 4},
		{"allowed", store.TapQuery{Allowed: &yes}, []string{"canteen-1/1", "school-1/1", "bus-1/1"}, 3},
		{"window", store.TapQuery{From: at(2), To: at(5)}, []string{"school-1/2", "school-1/1", "bus-1/3"}, 3},
		{"from", store.TapQuery{From: at(6)}, []string{"canteen-1/2"}, 1},
		{"to", store.TapQuery{To: at(1)}, []string{"bus-1/1"}, 1},
		{"page 1", store.TapQuery{Limit: 2}, []string{"canteen-1/2", "canteen-1/1"}, 7},
		{"page 2", store.TapQuery{Limit: 2, Offset: 2}, []string{"school-1/2", "school-1/1"}, 7},
		{"last page", store.TapQuery{Limit: 2, Offset: 6}, []string{"bus-1/1"}, 7},
		{"past the end", store.TapQuery{Offset: 7}, nil, 7},
		{"exceptions of a device", store.TapQuery{Device: "bus-1", Reason: "stopped", Allowed: &no}, []string{"bus-1/3"}, 1},
		{"nothing", store.TapQuery{Device: "bus-9"}, nil, 0},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storeQueryTaps(t, s)
		for _, c := range cases {
			got, err := s.Taps(context.Background(), c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if ids := tapIDs(got); !reflect.DeepEqual(ids, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, ids, c.want)
			}
			if n := count(t, s, c.q); n != c.total {
				t.Errorf("%s: count %d, want %d", c.name, n, c.total)
			}
		}
	})
}

func tapIDs(ts []store.StoredTap) []string {
	var ids []string
	for _, t := range ts {
		ids = append(ids, fmt.Sprintf("%s/%d", t.Device, t.Seq))
	}
	return ids
}

func TestLastTapOf(t *testing.T) {
	cases := []struct {
		card   int
		before time.Time
		want   string // device/seq, "" for none
	}{
		{1, at(3), "bus-1/3"},
		{1, at(2), "bus-1/1"},
		{1, at(0), ""},
		{1, at(60), "school-1/1"},
		{2, at(60), "canteen-1/2"},
		{9, at(60), ""},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storeQueryTaps(t, s)
		for _, c := range cases {
			tap, ok, err := s.LastTapOf(context.Background(), offlinetest.Token(c.card), c.before)
			if err != nil {
				t.Fatal(err)
			}
			got := ""
			if ok {
				got = fmt.Sprintf("%s/%d", tap.Device, tap.Seq)
			}
			if got != c.want {
				t.Errorf("card %d before %v: %q, want %q", c.card, c.before, got, c.want)
			}
		}
	})
}

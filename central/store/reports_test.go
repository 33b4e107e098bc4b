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
	"karta/offline"
	"karta/offline/offlinetest"
)

// kaliningrad is the region's zone as the reports use it: UTC+2, no
// summer time.
var kaliningrad = time.FixedZone("Europe/Kaliningrad", 2*3600)

// reportTap is a tap of the report tests; at is local time in Kaliningrad.
type reportTap struct {
	dev     string
	at      string // "2006-01-02 15:04"
	card    int    // 1 pensioner, 2 schoolchild, 3 not in the registry
	product string
	fare    int
	allowed bool
}

var reportTaps = []reportTap{
	{"bus-1", "2026-10-31 23:59", 1, "bus:free", 0, true},           // October, just before midnight
	{"bus-1", "2026-11-01 00:00", 1, "bus:free", 0, true},           // November
	{"bus-1", "2026-11-05 08:00", 2, "bus:discount-50", 1500, true}, // schoolchild, half fare
	{"bus-1", "2026-11-05 08:10", 3, "bus:discount-30", 2100, true}, // not in the registry
	{"bus-1", "2026-11-05 08:20", 1, "bus:full", 3000, true},        // full fare: not privileged
	{"bus-1", "2026-11-05 08:30", 1, "bus:free", 0, false},          // denied
	{"bus-2", "2026-11-06 09:00", 1, "bus:free", 0, true},
	{"bus-2", "2026-11-30 23:59", 2, "bus:discount-50", 1500, true},
	{"bus-2", "2026-12-01 00:00", 2, "bus:discount-50", 1500, true}, // December
	{"bus-9", "2026-11-07 10:00", 1, "bus:free", 0, true},           // a device not in the registry
	{"canteen-1", "2026-11-05 09:00", 2, "meal:breakfast", 0, true},
	{"canteen-1", "2026-11-05 12:30", 2, "meal:lunch", 0, true},
	{"canteen-1", "2026-11-05 12:31", 2, "meal:lunch", 0, false}, // denied: a second lunch
	{"canteen-1", "2026-11-05 23:59", 3, "meal:lunch", 0, true},  // unknown card, last minute of the 5th
	{"canteen-1", "2026-11-06 00:00", 2, "meal:breakfast", 0, true},
	{"canteen-2", "2026-11-05 12:00", 1, "meal:lunch", 0, true},
	{"school-1", "2026-11-05 08:00", 2, "entry:in", 0, true}, // a turnstile: in no report
}

var reportDevices = []store.Device{
	{ID: "bus-1", Role: "bus", Route: "12"},
	{ID: "bus-2", Role: "bus", Route: "7"},
	{ID: "canteen-1", Role: "canteen", School: "school-39"},
	{ID: "canteen-2", Role: "canteen", School: "school-5"},
	{ID: "school-1", Role: "turnstile", School: "school-39"},
}

func roleOf(device string) string {
	switch {
	case strings.HasPrefix(device, "canteen-"):
		return "canteen"
	case strings.HasPrefix(device, "school-"):
		return "turnstile"
	}
	return "bus"
}

func localTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, kaliningrad)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// storeReportTaps registers the devices and cards and stores reportTaps,
// one batch per tap.
func storeReportTaps(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	for _, d := range reportDevices {
		if err := s.PutDevice(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.PutEntitlements(ctx, []*offline.Entry{
		{Token: offlinetest.Token(1), Category: "pensioner", Bus: &offline.BusRight{Discount: 100}},
		{Token: offlinetest.Token(2), Category: "schoolchild", Bus: &offline.BusRight{Discount: 50},
			Meals: &offline.MealRight{School: "school-39", Meals: []string{"breakfast", "lunch"}}},
	}); err != nil {
		t.Fatal(err)
	}
	seqs := map[string]uint64{}
	var bs []store.DeviceBatch
	for _, r := range reportTaps {
		seqs[r.dev]++
		tap := storetest.Tap(seqs[r.dev], r.card)
		tap.Time, tap.Product, tap.Fare, tap.Allowed = localTime(t, r.at), r.product, r.fare, r.allowed
		tap.Role = roleOf(r.dev)
		bs = append(bs, store.DeviceBatch{Device: r.dev, Received: recv, Taps: []offline.Tap{tap}})
	}
	if _, err := s.SaveTaps(ctx, bs); err != nil {
		t.Fatal(err)
	}
}

func TestRidesReport(t *testing.T) {
	cases := []struct {
		name     string
		from, to string
		want     []store.RideRow
	}{
		{"november", "2026-11-01 00:00", "2026-12-01 00:00", []store.RideRow{
			{Month: "2026-11", Route: "", Category: "pensioner", Rides: 1},
			{Month: "2026-11", Route: "12", Category: "", Rides: 1, Fare: 2100},
			{Month: "2026-11", Route: "12", Category: "pensioner", Rides: 1},
			{Month: "2026-11", Route: "12", Category: "schoolchild", Rides: 1, Fare: 1500},
			{Month: "2026-11", Route: "7", Category: "pensioner", Rides: 1},
			{Month: "2026-11", Route: "7", Category: "schoolchild", Rides: 1, Fare: 1500},
		}},
		{"october to december", "2026-10-01 00:00", "2027-01-01 00:00", []store.RideRow{
			{Month: "2026-10", Route: "12", Category: "pensioner", Rides: 1},
			{Month: "2026-11", Route: "", Category: "pensioner", Rides: 1},
			{Month: "2026-11", Route: "12", Category: "", Rides: 1, Fare: 2100},
			{Month: "2026-11", Route: "12", Category: "pensioner", Rides: 1},
			{Month: "2026-11", Route: "12", Category: "schoolchild", Rides: 1, Fare: 1500},
			{Month: "2026-11", Route: "7", Category: "pensioner", Rides: 1},
			{Month: "2026-11", Route: "7", Category: "schoolchild", Rides: 1, Fare: 1500},
			{Month: "2026-12", Route: "7", Category: "schoolchild", Rides: 1, Fare: 1500},
		}},
		{"october", "2026-10-01 00:00", "2026-11-01 00:00", []store.RideRow{
			{Month: "2026-10", Route: "12", Category: "pensioner", Rides: 1},
		}},
		{"a month without rides", "2027-03-01 00:00", "2027-04-01 00:00", nil},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storeReportTaps(t, s)
		for _, c := range cases {
			got, err := s.RidesReport(context.Background(), localTime(t, c.from), localTime(t, c.to), kaliningrad)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
			}
		}
	})
}

func TestMealsReport(t *testing.T) {
	cases := []struct {
		name     string
		from, to string
		want     []store.MealRow
	}{
		{"the 5th", "2026-11-05 00:00", "2026-11-06 00:00", []store.MealRow{
			{Day: "2026-11-05", School: "school-39", Category: "", Meal: "lunch", Meals: 1},
			{Day: "2026-11-05", School: "school-39", Category: "schoolchild", Meal: "breakfast", Meals: 1},
			{Day: "2026-11-05", School: "school-39", Category: "schoolchild", Meal: "lunch", Meals: 1},
			{Day: "2026-11-05", School: "school-5", Category: "pensioner", Meal: "lunch", Meals: 1},
		}},
		{"the 5th and 6th", "2026-11-05 00:00", "2026-11-07 00:00", []store.MealRow{
			{Day: "2026-11-05", School: "school-39", Category: "", Meal: "lunch", Meals: 1},
			{Day: "2026-11-05", School: "school-39", Category: "schoolchild", Meal: "breakfast", Meals: 1},
			{Day: "2026-11-05", School: "school-39", Category: "schoolchild", Meal: "lunch", Meals: 1},
			{Day: "2026-11-05", School: "school-5", Category: "pensioner", Meal: "lunch", Meals: 1},
			{Day: "2026-11-06", School: "school-39", Category: "schoolchild", Meal: "breakfast", Meals: 1},
		}},
		{"the 6th", "2026-11-06 00:00", "2026-11-07 00:00", []store.MealRow{
			{Day: "2026-11-06", School: "school-39", Category: "schoolchild", Meal: "breakfast", Meals: 1},
		}},
		{"the 4th", "2026-11-04 00:00", "2026-11-05 00:00", nil},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storeReportTaps(t, s)
		for _, c := range cases {
			got, err := s.MealsReport(context.Background(), localTime(t, c.from), localTime(t, c.to), kaliningrad)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("%s:\n got %+v\nwant %+v", c.name, got, c.want)
			}
		}
	})
}

func TestTapsPerHour(t *testing.T) {
	h := func(s string) time.Time { return localTime(t, s).UTC() }
	want := []store.HourCount{
		{Hour: h("2026-11-05 08:00"), Role: "bus", Allowed: false, Taps: 1},
		{Hour: h("2026-11-05 08:00"), Role: "bus", Allowed: true, Taps: 3},
		{Hour: h("2026-11-05 08:00"), Role: "turnstile", Allowed: true, Taps: 1},
		{Hour: h("2026-11-05 09:00"), Role: "canteen", Allowed: true, Taps: 1},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storeReportTaps(t, s)
		got, err := s.TapsPerHour(context.Background(), h("2026-11-05 08:00"), h("2026-11-05 10:00"))
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v\nwant %+v", got, want)
		}
	})
}

func TestReportsRefuse(t *testing.T) {
	now := storetest.T0
	cases := []struct {
		name     string
		from, to time.Time
		loc      *time.Location
	}{
		{"no location", now, now.Add(time.Hour), nil},
		{"empty", now, now, kaliningrad},
		{"backwards", now, now.Add(-time.Hour), kaliningrad},
		{"no start", time.Time{}, now, kaliningrad},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, c := range cases {
			if _, err := s.RidesReport(context.Background(), c.from, c.to, c.loc); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("rides, %s: %v, want ErrInvalid", c.name, err)
			}
			if _, err := s.MealsReport(context.Background(), c.from, c.to, c.loc); !errors.Is(err, store.ErrInvalid) {
				t.Errorf("meals, %s: %v, want ErrInvalid", c.name, err)
			}
		}
		if _, err := s.TapsPerHour(context.Background(), now, now); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("taps per hour, empty: %v, want ErrInvalid", err)
		}
	})
}

func TestTapsByRouteAndSchool(t *testing.T) {
	cases := []struct {
		name string
		q    store.TapQuery
		want int // taps
	}{
		{"route 12", store.TapQuery{Route: "12"}, 6},
		{"route 7", store.TapQuery{Route: "7"}, 3},
		{"route 7, from december", store.TapQuery{Route: "7", From: localTime(t, "2026-12-01 00:00")}, 1},
		{"no such route", store.TapQuery{Route: "99"}, 0},
		{"school-39", store.TapQuery{School: "school-39"}, 6}, // canteen-1 and the turnstile
		{"school-39 turnstile", store.TapQuery{School: "school-39", Role: "turnstile"}, 1},
		{"school-5", store.TapQuery{School: "school-5"}, 1},
		{"route and school", store.TapQuery{Route: "12", School: "school-39"}, 0},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		storeReportTaps(t, s)
		for _, c := range cases {
			got, err := s.Taps(context.Background(), c.q)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			if len(got) != c.want {
				t.Errorf("%s: %d taps, want %d", c.name, len(got), c.want)
			}
			for _, tap := range got {
				if c.q.Route == "12" && tap.Device != "bus-1" || c.q.School == "school-5" && tap.Device != "canteen-2" {
					t.Errorf("%s: a tap of %s", c.name, tap.Device)
				}
			}
		}
	})
}

package store_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/offlinetest"
)

// products the random rounds draw from, counted by the reports or not.
var randomProducts = []string{"bus:free", "bus:discount-50", "bus:full", "bus:repeat", "meal:lunch", "meal:breakfast", "entry:in"}

// randomRounds are rounds of 6 devices' batches over two months, each
// round resending part of the previous one and repeating some taps within
// a batch, as devices do after lost acks.
func randomRounds(seed uint64) [][]store.DeviceBatch {
	r := rand.New(rand.NewPCG(seed, 1))
	start := time.Date(2026, 10, 25, 0, 0, 0, 0, kaliningrad)
	next := map[string]uint64{}
	var rounds [][]store.DeviceBatch
	for range 12 {
		var round []store.DeviceBatch
		for d := range 6 {
			dev := fmt.Sprintf("dev-%d", d)
			from := uint64(max(int(next[dev])-r.IntN(5), 1)) // resend a few
			b := store.DeviceBatch{Device: dev, Received: recv}
			for seq := from; seq < from+uint64(20+r.IntN(20)); seq++ {
				tap := storetest.Tap(seq, r.IntN(6))
				tap.Time = start.Add(time.Duration(seq) * 40 * time.Minute) // a seq's time never changes
				tap.Product = randomProducts[int(seq*7+uint64(d))%len(randomProducts)]
				tap.Allowed, tap.Fare = seq%5 != 0, int(seq%3)*700
				b.Taps = append(b.Taps, tap)
				next[dev] = max(next[dev], seq+1)
			}
			b.Taps = append(b.Taps, b.Taps[r.IntN(len(b.Taps))]) // a repeat within the batch
			round = append(round, b)
		}
		rounds = append(rounds, round)
	}
	return rounds
}

func putReportRegistry(t *testing.T, s *store.Store, category func(card int) string) {
	t.Helper()
	var es []*offline.Entry
	for card := range 5 { // card 5 stays unknown
		es = append(es, &offline.Entry{Token: offlinetest.Token(card), Category: category(card), Bus: &offline.BusRight{Discount: 50}})
	}
	if _, err := s.PutEntitlements(context.Background(), es); err != nil {
		t.Fatal(err)
	}
}

func registerRandomDevices(t *testing.T, s *store.Store) {
	t.Helper()
	for d := range 6 {
		dev := store.Device{ID: fmt.Sprintf("dev-%d", d), Route: fmt.Sprint(d % 2), School: fmt.Sprintf("school-%d", d%3)}
		if err := s.PutDevice(context.Background(), dev); err != nil {
			t.Fatal(err)
		}
	}
}

// reportsAgree checks that the reports from the report tables equal the
// reports counted from the taps, for November and for October to
// December, and the taps per hour of those months too.
func reportsAgree(t *testing.T, s *store.Store, what string) {
	t.Helper()
	ctx := context.Background()
	for _, p := range [][2]string{{"2026-11-01 00:00", "2026-12-01 00:00"}, {"2026-10-01 00:00", "2027-01-01 00:00"}} {
		from, to := localTime(t, p[0]), localTime(t, p[1])
		rides, err := s.RidesReport(ctx, from, to, kaliningrad)
		if err != nil {
			t.Fatal(err)
		}
		want, err := s.RidesReportScan(ctx, from, to, kaliningrad)
		if err != nil {
			t.Fatal(err)
		}
		if len(want) == 0 || !reflect.DeepEqual(rides, want) {
			t.Errorf("%s, rides %s to %s:\n got %+v\nwant %+v", what, p[0], p[1], rides, want)
		}
		meals, err := s.MealsReport(ctx, from, to, kaliningrad)
		if err != nil {
			t.Fatal(err)
		}
		wantMeals, err := s.MealsReportScan(ctx, from, to, kaliningrad)
		if err != nil {
			t.Fatal(err)
		}
		if len(wantMeals) == 0 || !reflect.DeepEqual(meals, wantMeals) {
			t.Errorf("%s, meals %s to %s:\n got %+v\nwant %+v", what, p[0], p[1], meals, wantMeals)
		}
		hours, err := s.TapsPerHour(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		wantHours, err := s.TapsPerHourScan(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		if len(wantHours) == 0 || !reflect.DeepEqual(hours, wantHours) {
			t.Errorf("%s, taps per hour %s to %s:\n got %+v\nwant %+v", what, p[0], p[1], hours, wantHours)
		}
	}
}

func category(card int) string { return []string{"pensioner", "schoolchild", "veteran"}[card%3] }

// TestRollupsCountEachTapOnce saves rounds that resend and repeat taps
// and checks that the reports from the report tables equal the reports
// counted from the taps, before and after RebuildReports.
func TestRollupsCountEachTapOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		registerRandomDevices(t, s)
		putReportRegistry(t, s, category)
		for seed := range uint64(3) {
			for _, round := range randomRounds(seed) {
				if _, err := s.SaveTaps(context.Background(), round); err != nil {
					t.Fatal(err)
				}
			}
		}
		reportsAgree(t, s, "after the rounds")
		if err := s.RebuildReports(context.Background()); err != nil {
			t.Fatal(err)
		}
		reportsAgree(t, s, "rebuilt")
	})
}

// TestRollupsKeepTheCategoryOfTheTap: a card's category is the one it had
// when its tap was stored, until RebuildReports counts again.
func TestRollupsKeepTheCategoryOfTheTap(t *testing.T) {
	ctx := context.Background()
	nov := [2]time.Time{time.Date(2026, 11, 1, 0, 0, 0, 0, kaliningrad), time.Date(2026, 12, 1, 0, 0, 0, 0, kaliningrad)}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		registerRandomDevices(t, s)
		putReportRegistry(t, s, category)
		for _, round := range randomRounds(7) {
			if _, err := s.SaveTaps(ctx, round); err != nil {
				t.Fatal(err)
			}
		}
		before, err := s.RidesReport(ctx, nov[0], nov[1], kaliningrad)
		if err != nil {
			t.Fatal(err)
		}
		putReportRegistry(t, s, func(int) string { return "renamed" })
		after, err := s.RidesReport(ctx, nov[0], nov[1], kaliningrad)
		if err != nil || !reflect.DeepEqual(after, before) {
			t.Fatalf("after a registry change: %+v, %v; want the report as before, %+v", after, err, before)
		}
		if err := s.RebuildReports(ctx); err != nil {
			t.Fatal(err)
		}
		reportsAgree(t, s, "rebuilt after the change")
		rebuilt, err := s.RidesReport(ctx, nov[0], nov[1], kaliningrad)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rebuilt {
			if r.Category != "renamed" && r.Category != "" {
				t.Errorf("rebuilt: %+v, want category renamed or unknown", r)
			}
		}
	})
}

// TestRollupsMigration: a database of version 4 with taps gets its report
// tables counted by migrations 0005 and 0006.
func TestRollupsMigration(t *testing.T) {
	ctx := context.Background()
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		s := storetest.Open(t, dsn)
		registerRandomDevices(t, s)
		putReportRegistry(t, s, category)
		for _, round := range randomRounds(3) {
			if _, err := s.SaveTaps(ctx, round); err != nil {
				t.Fatal(err)
			}
		}
		db := storetest.SQL(t, dsn)
		for _, q := range []string{`DROP TABLE ride_months`, `DROP TABLE meal_days`, `DROP TABLE tap_hours`,
			`DROP INDEX taps_at`, `CREATE INDEX taps_at ON taps (at_us)`, `DELETE FROM schema_migrations WHERE version >= 5`} {
			if _, err := db.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		reportsAgree(t, storetest.Open(t, dsn), "migrated")
	})
}

func TestReportsRefuseWhatRollupsCannotAnswer(t *testing.T) {
	nov := time.Date(2026, 11, 1, 0, 0, 0, 0, kaliningrad)
	moscow := time.FixedZone("Europe/Moscow", 3*3600)
	cases := []struct {
		name     string
		from, to time.Time
		loc      *time.Location
	}{
		{"another zone", nov, nov.AddDate(0, 1, 0), moscow},
		{"UTC", nov, nov.AddDate(0, 1, 0), time.UTC},
		{"not a midnight", nov.Add(time.Hour), nov.AddDate(0, 1, 0), kaliningrad},
		{"ends not at midnight", nov, nov.AddDate(0, 1, 0).Add(-time.Second), kaliningrad},
		{"too long", nov, nov.AddDate(200, 0, 0), kaliningrad},
		{"rides not from a month's start", nov.AddDate(0, 0, 1), nov.AddDate(0, 1, 0), kaliningrad},
	}
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		for _, c := range cases {
			_, rerr := s.RidesReport(context.Background(), c.from, c.to, c.loc)
			_, merr := s.MealsReport(context.Background(), c.from, c.to, c.loc)
			if !errors.Is(rerr, store.ErrInvalid) {
				t.Errorf("rides, %s: %v, want ErrInvalid", c.name, rerr)
			}
			if !strings.HasPrefix(c.name, "rides") && !errors.Is(merr, store.ErrInvalid) {
				t.Errorf("meals, %s: %v, want ErrInvalid", c.name, merr)
			}
		}
	})
}

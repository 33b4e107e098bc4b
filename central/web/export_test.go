package web

import (
	"context"
	"encoding/csv"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	"karta/offline"
	"karta/offline/offlinetest"
)

// TestTapsCSVPages: an export read a few taps at a time, many of them
// sharing a microsecond across devices, holds every selected tap once,
// in the order one big read gives.
func TestTapsCSVPages(t *testing.T) {
	st := storetest.Open(t, storetest.DSN(t, "sqlite"))
	ctx := context.Background()
	t0 := time.Date(2026, 11, 21, 8, 0, 0, 0, time.UTC)
	for _, dev := range []string{"bus-1", "bus-2", "bus-3"} {
		var ts []offline.Tap
		for i := range 23 {
			at := t0.Add(time.Duration(i/4) * time.Second) // four taps a second on each device, three devices
			ts = append(ts, offline.Tap{Seq: uint64(i + 1), Boot: 1, Time: at, Clock: "synced", Reader: "r", Role: "bus",
				Token: offlinetest.Token(i), Allowed: true, Reason: "ok", Product: "bus:free"})
		}
		if _, err := st.SaveTaps(ctx, []store.DeviceBatch{{Device: dev, Received: t0, Taps: ts}}); err != nil {
			t.Fatal(err)
		}
	}
	export := func(page int, query string) [][]string {
		s := &server{Options: Options{Store: st, Users: st, Clock: func() time.Time { return t0 }, Location: Region(),
			Log: slog.New(slog.DiscardHandler)}, pages: mustParse(Region()), csvPage: page}
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(http.MethodGet, "/taps.csv?"+query, nil)
		c := &call{lang: "en", sess: store.Session{User: "v", Role: store.RoleViewer}}
		s.tapsCSV(rec, req, c)
		recs, err := csv.NewReader(strings.NewReader(rec.Body.String())).ReadAll()
		if err != nil || rec.Code != 200 {
			t.Fatalf("page %d: %d, %v", page, rec.Code, err)
		}
		return recs
	}
	for _, query := range []string{"", "to=2026-11-21T10:00:04", "device=bus-2"} {
		want := export(1000, query)
		if len(want) < 2 {
			t.Fatalf("%q: no taps", query)
		}
		for _, page := range []int{1, 2, 3, 5, 7} {
			if got := export(page, query); !slices.EqualFunc(got, want, slices.Equal) {
				t.Errorf("%q read %d at a time: %d rows, want %d", query, page, len(got), len(want))
			}
		}
	}
	if got := export(1000, ""); len(got) != 1+69 {
		t.Errorf("%d rows, want 69 and a header", len(got))
	}
}

package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
)

// After SaveTaps returns, another instance (a fresh Open) sees every tap
// as it was sent, with central's receive time beside the device's time.
func TestSavedTapsSurviveReopen(t *testing.T) {
	storetest.EachDSN(t, func(t *testing.T, dsn string) {
		ctx := context.Background()
		b := storetest.Batch("bus-7", 1, 3, storetest.T0.Add(time.Hour))
		b.Taps[1].Time = b.Taps[1].Time.In(time.FixedZone("MSK-1", 2*3600)) // Kaliningrad's offset
		b.Taps[2].Flags, b.Taps[2].PARToken, b.Taps[2].Allowed = nil, b.Taps[1].Token, false
		if _, err := storetest.Open(t, dsn).SaveTaps(ctx, []store.DeviceBatch{b}); err != nil {
			t.Fatal(err)
		}
		got, err := storetest.Open(t, dsn).Taps(ctx, store.TapQuery{Device: "bus-7"})
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 {
			t.Fatalf("a fresh store sees %d taps, want 3", len(got))
		}
		for i, st := range got {
			want := b.Taps[2-i] // newest first
			if !st.Received.Equal(b.Received) || !st.Time.Equal(want.Time) || st.Device != "bus-7" {
				t.Errorf("tap %d: received %v at %v on %s, want %v at %v", want.Seq, st.Received, st.Time, st.Device, b.Received, want.Time)
			}
			st.Time = want.Time
			if !reflect.DeepEqual(st.Tap, want) {
				t.Errorf("tap %d round trip:\n got %+v\nwant %+v", want.Seq, st.Tap, want)
			}
		}
	})
}

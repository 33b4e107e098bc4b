package store_test

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"karta/central/store"
	"karta/central/store/storetest"
	tapsync "karta/sync"
)

var recv = storetest.T0.Add(90 * time.Second)

func batch(dev string, from, to uint64) store.DeviceBatch {
	return storetest.Batch(dev, from, to, recv)
}

func rs(pairs ...uint64) []tapsync.SeqRange {
	var r []tapsync.SeqRange
	for i := 0; i < len(pairs); i += 2 {
		r = append(r, tapsync.SeqRange{From: pairs[i], To: pairs[i+1]})
	}
	return r
}

type round struct {
	in   []store.DeviceBatch
	want []store.Saved
}

func saved(dev string, newN, dup int, prev uint64, ranges []tapsync.SeqRange) store.Saved {
	return store.Saved{Device: dev, New: newN, Dup: dup, PrevHigh: prev, Ranges: ranges}
}

func TestSaveTaps(t *testing.T) {
	repeated := batch("bus-1", 1, 3)
	repeated.Taps = append(repeated.Taps, repeated.Taps[1])
	holed := batch("bus-1", 1, 5)
	holed.Taps = append(holed.Taps[:2], holed.Taps[4])
	cases := []struct {
		name   string
		rounds []round
		stored int64
	}{
		{"new", []round{{[]store.DeviceBatch{batch("bus-1", 1, 10)}, []store.Saved{saved("bus-1", 10, 0, 0, rs(1, 10))}}}, 10},
		{"same batch twice", []round{
			{[]store.DeviceBatch{batch("bus-1", 1, 10)}, []store.Saved{saved("bus-1", 10, 0, 0, rs(1, 10))}},
			{[]store.DeviceBatch{batch("bus-1", 1, 10)}, []store.Saved{saved("bus-1", 0, 10, 10, rs(1, 10))}}}, 10},
		{"same batch twice in a round", []round{{[]store.DeviceBatch{batch("bus-1", 1, 4), batch("bus-1", 1, 4)},
			[]store.Saved{saved("bus-1", 4, 0, 0, rs(1, 4)), saved("bus-1", 0, 4, 4, rs(1, 4))}}}, 4},
		{"overlapping rounds", []round{
			{[]store.DeviceBatch{batch("bus-1", 1, 10)}, []store.Saved{saved("bus-1", 10, 0, 0, rs(1, 10))}},
			{[]store.DeviceBatch{batch("bus-1", 6, 15)}, []store.Saved{saved("bus-1", 5, 5, 10, rs(6, 15))}}}, 15},
		{"two batches of a device in a round", []round{{[]store.DeviceBatch{batch("bus-1", 1, 5), batch("bus-1", 6, 10)},
			[]store.Saved{saved("bus-1", 5, 0, 0, rs(1, 5)), saved("bus-1", 5, 0, 5, rs(6, 10))}}}, 10},
		{"two overlapping batches in a round", []round{{[]store.DeviceBatch{batch("bus-1", 1, 6), batch("bus-1", 4, 10)},
			[]store.Saved{saved("bus-1", 6, 0, 0, rs(1, 6)), saved("bus-1", 4, 3, 6, rs(4, 10))}}}, 10},
		{"batches out of order in a round", []round{{[]store.DeviceBatch{batch("bus-1", 6, 10), batch("bus-1", 1, 5)},
			[]store.Saved{saved("bus-1", 5, 0, 5, rs(6, 10)), saved("bus-1", 5, 0, 0, rs(1, 5))}}}, 10},
		{"gap", []round{
			{[]store.DeviceBatch{batch("bus-1", 1, 5)}, []store.Saved{saved("bus-1", 5, 0, 0, rs(1, 5))}},
			{[]store.DeviceBatch{batch("bus-1", 9, 12)}, []store.Saved{saved("bus-1", 4, 0, 5, rs(9, 12))}}}, 9},
		{"devices apart", []round{
			{[]store.DeviceBatch{batch("bus-2", 1, 3), batch("bus-1", 1, 4)},
				[]store.Saved{saved("bus-2", 3, 0, 0, rs(1, 3)), saved("bus-1", 4, 0, 0, rs(1, 4))}},
			{[]store.DeviceBatch{batch("bus-1", 3, 6)}, []store.Saved{saved("bus-1", 2, 2, 4, rs(3, 6))}}}, 9},
		{"a tap twice in a batch", []round{{[]store.DeviceBatch{repeated}, []store.Saved{saved("bus-1", 3, 1, 0, rs(1, 3))}}}, 3},
		{"a hole in a batch", []round{{[]store.DeviceBatch{holed}, []store.Saved{saved("bus-1", 3, 0, 0, rs(1, 2, 5, 5))}}}, 3},
		{"empty batch", []round{
			{[]store.DeviceBatch{batch("bus-1", 1, 2)}, []store.Saved{saved("bus-1", 2, 0, 0, rs(1, 2))}},
			{[]store.DeviceBatch{{Device: "bus-1", Received: recv}}, []store.Saved{saved("bus-1", 0, 0, 2, nil)}}}, 2},
		{"empty round", []round{{nil, []store.Saved{}}}, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				for i, r := range c.rounds {
					got, err := s.SaveTaps(context.Background(), r.in)
					if err != nil {
						t.Fatalf("round %d: %v", i, err)
					}
					if !reflect.DeepEqual(got, r.want) {
						t.Errorf("round %d:\n got %+v\nwant %+v", i, got, r.want)
					}
				}
				if n := count(t, s, store.TapQuery{}); n != c.stored {
					t.Errorf("%d taps stored, want %d", n, c.stored)
				}
			})
		})
	}
}

func count(t *testing.T, s *store.Store, q store.TapQuery) int64 {
	t.Helper()
	n, err := s.CountTaps(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestSaveTapsRefuses(t *testing.T) {
	pan := batch("bus-1", 1, 2)
	pan.Taps[1].Token = "2200123456789012" // a card number, never a token
	seq0 := batch("bus-1", 1, 2)
	seq0.Taps[0].Seq = 0
	cases := map[string]store.DeviceBatch{
		"card number": pan, "seq 0": seq0, "device id": batch("Bus/1", 1, 2), "no device": batch("", 1, 1),
	}
	for name, b := range cases {
		t.Run(name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, s *store.Store) {
				_, err := s.SaveTaps(context.Background(), []store.DeviceBatch{batch("bus-2", 1, 3), b})
				if !errors.Is(err, store.ErrInvalid) {
					t.Fatalf("err = %v, want ErrInvalid", err)
				}
				if n := count(t, s, store.TapQuery{}); n != 0 {
					t.Errorf("%d taps stored from a refused round", n)
				}
			})
		})
	}
}

package offline_test

import (
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"karta/internal/golden"
	"karta/offline"
)

var sampleEntries = []*offline.Entry{
	{Token: "k1.AAAAAAAAAAAAAAAAAAAA", Category: "pensioner", From: 20260101, To: 20261231,
		Bus: &offline.BusRight{Discount: 100, MonthlyLimit: 60}},
	{Token: "k1.BBBBBBBBBBBBBBBBBBBB", Category: "schoolchild", To: 20270831,
		Bus:    &offline.BusRight{Discount: 50},
		School: &offline.SchoolPass{School: "school-39", Role: "student", Grade: 3},
		Meals:  &offline.MealRight{School: "school-39", Meals: []string{"breakfast", "lunch"}}},
	{Token: "k1.CCCCCCCCCCCCCCCCCCCC", Category: "staff",
		School: &offline.SchoolPass{School: "school-39", Role: "staff", Schedule: "staff-long"}},
	{Token: "k1.DDDDDDDDDDDDDDDDDDDD", Stop: &offline.Stop{Reason: "lost", Since: 20261120}},
	{Token: "k1.EEEEEEEEEEEEEEEEEEEE"},
}

func TestEntryRoundTrip(t *testing.T) {
	var dump strings.Builder
	for _, e := range sampleEntries {
		b := offline.AppendEntry(nil, e)
		got, err := offline.DecodeEntry(e.Token, b)
		if err != nil {
			t.Fatalf("%s: %v", e.Token, err)
		}
		if !reflect.DeepEqual(got, e) {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", e.Token, got, e)
		}
		dump.WriteString(e.Token + " " + hex.EncodeToString(b) + "\n")
	}
	// The encoding is a wire and disk format: a change must be deliberate.
	golden.Check(t, "testdata/entries-v1.golden", []byte(dump.String()))
}

func TestDecodeEntryRejects(t *testing.T) {
	good := offline.AppendEntry(nil, sampleEntries[1])
	tests := map[string][]byte{
		"empty":           nil,
		"version 2":       append([]byte{2}, good[1:]...),
		"unknown flag":    append([]byte{1, 0x80}, good[2:]...),
		"truncated":       good[:len(good)-3],
		"trailing bytes":  append(append([]byte{}, good...), 0),
		"string too long": {1, 0, 0xFF, 0x7F},
	}
	for name, b := range tests {
		t.Run(name, func(t *testing.T) {
			if e, err := offline.DecodeEntry("k1.X", b); !errors.Is(err, offline.ErrCorruptEntry) || e != nil {
				t.Errorf("DecodeEntry = %+v, %v; want nil and ErrCorruptEntry", e, err)
			}
		})
	}
}

func TestCheckEntry(t *testing.T) {
	for _, e := range sampleEntries {
		if err := offline.CheckEntry(e); err != nil {
			t.Errorf("%s: %v", e.Token, err)
		}
	}
	long := &offline.Entry{Token: "k1.X", Meals: &offline.MealRight{School: "s", Meals: []string{strings.Repeat("x", 257)}}}
	if err := offline.CheckEntry(long); !errors.Is(err, offline.ErrCorruptEntry) {
		t.Errorf("CheckEntry(257-byte meal) = %v", err)
	}
}

func TestDays(t *testing.T) {
	d, err := offline.ParseDay("2026-11-21")
	if err != nil || d != 20261121 || d.String() != "2026-11-21" {
		t.Errorf("ParseDay = %d %v", d, err)
	}
	if _, err := offline.ParseDay("21.11.2026"); err == nil {
		t.Error("ParseDay accepted 21.11.2026")
	}
	e := sampleEntries[0]
	for day, want := range map[offline.Day]bool{20251231: false, 20260101: true, 20261231: true, 20270101: false} {
		if e.ValidOn(day) != want {
			t.Errorf("ValidOn(%s) = %v", day, !want)
		}
	}
}

func FuzzDecodeEntry(f *testing.F) {
	for _, e := range sampleEntries {
		f.Add(offline.AppendEntry(nil, e))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := offline.DecodeEntry("k1.X", b)
		if err != nil {
			return
		}
		again, err := offline.DecodeEntry("k1.X", offline.AppendEntry(nil, e))
		if err != nil || !reflect.DeepEqual(again, e) {
			t.Fatalf("re-encoding %+v gives %+v, %v", e, again, err)
		}
	})
}

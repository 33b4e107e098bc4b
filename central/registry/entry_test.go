package registry

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"karta/offline/bundle/bundletest"
	"karta/offline/token"
)

// mkRow makes a row from "column=value" pairs.
func mkRow(pairs ...string) row {
	r := row{line: 7}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		r.v[colIndex(k)] = v
	}
	return r
}

const testKeyFile = "testdata/token.key"

func TestConverterRefuses(t *testing.T) {
	key, err := token.LoadKey(testKeyFile)
	if err != nil {
		t.Fatal(err)
	}
	tok := "token=" + bundletest.Token(1)
	tests := []struct {
		row  row
		want string
	}{
		{mkRow("category=pensioner", "bus_discount=100"), "neither pan nor token"},
		{mkRow("pan=2200701234567890", "bus_discount=100"), "pan is not 12-19 digits with a valid check digit"},
		{mkRow("pan=22007012345678x6", "bus_discount=100"), "pan is not 12-19 digits"},
		{mkRow("token=k1.short", "bus_discount=100"), "token is not a karta token"},
		{mkRow(tok, "bus_discount=100", "from=2026-12-01", "to=2026-11-01"), "from is after to"},
		{mkRow(tok, "bus_discount=100", "to=31.12.2026"), "to is not a date YYYY-MM-DD"},
		{mkRow(tok, "bus_discount=-5"), "bus_discount is not a whole number 0-100"},
		{mkRow(tok, "bus_discount=50", "bus_monthly_limit=70000"), "bus_monthly_limit is not a whole number 0-65535"},
		{mkRow(tok, "bus_monthly_limit=10"), "bus_monthly_limit without bus_discount"},
		{mkRow(tok, "role=student", "grade=3"), "role or meals without school"},
		{mkRow(tok, "school=school-39"), "school without role or meals"},
		{mkRow(tok, "school=school-39", "meals=lunch", "grade=3"), "grade or schedule without role"},
		{mkRow(tok, "school=school-39", "role=teacher"), "role is not one of student, staff"},
		{mkRow(tok, "school=school-39", "role=student", "grade=12"), "grade is not 1-11 for a student"},
		{mkRow(tok, "school=school-39", "role=staff", "grade=3"), "grade is for students only"},
		{mkRow(tok, "school=school-39", "meals=lunch;lunch"), "meals: a meal named twice"},
		{mkRow(tok, "school=school-39", "meals=;"), "meals: none named"},
		{mkRow(tok, "stop_since=2026-01-01"), "stop_since without stop_reason"},
		{mkRow(tok, "category="+strings.Repeat("x", 65), "bus_discount=1"), "category is longer than 64 characters"},
		{mkRow(tok, "category=pensioner"), "grants nothing and stops nothing"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			e, err := newConverter(key).entry(&tt.row)
			var re *RowError
			if !errors.As(err, &re) || !strings.HasPrefix(err.Error(), "line 7: "+tt.want) {
				t.Errorf("entry = %+v, %v; want line 7: %s", e, err, tt.want)
			}
		})
	}
	r := mkRow("pan=2200701234567896", "bus_discount=1")
	if _, err := newConverter(nil).entry(&r); !errors.Is(err, ErrNoTokenKey) {
		t.Errorf("a pan without a token key: %v", err)
	}
}

// TestRowRoundTrip: the state file's rows convert back to the same entries.
func TestRowRoundTrip(t *testing.T) {
	for i := range 40 {
		e := bundletest.Entry(i)
		r := rowOf(e)
		got, err := newConverter(nil).entry(&r)
		if err != nil || !reflect.DeepEqual(got, e) {
			t.Errorf("entry %d: %+v, %v; want %+v", i, got, err, e)
		}
	}
}

func TestValidPAN(t *testing.T) {
	for pan, want := range map[string]bool{
		"2200701234567896": true, "2200123456789012341": true, "4111111111111111": true, "220070123456": false,
		"2200701234567890": false, "22007012345678961234": false, "2200 7012 3456 7896": false, "": false,
	} {
		if ValidPAN(pan) != want {
			t.Errorf("ValidPAN(%s) = %v", pan, !want)
		}
	}
}

package readertest_test

import (
	"testing"

	"karta/readers/readertest"
)

func TestPANLeaks(t *testing.T) {
	pan := "2202456789012347"
	tests := []struct {
		name string
		out  string
		leak bool
	}{
		{"masked only", "number 220245******2347 token k1.abc", false},
		{"whole number", "pan=2202456789012347", true},
		{"BCD hex of 5A", "R: 70145A0822024567890123475F2403", true},
		{"middle digits", "…456789012…", true},
		{"first 6 and last 4 apart", "220245 and 2347", false},
		{"eight digits only", "45678901", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := readertest.PANLeaks([]byte(tt.out), []string{pan})
			if (len(got) > 0) != tt.leak {
				t.Errorf("PANLeaks(%q) = %v, want leak=%v", tt.out, got, tt.leak)
			}
		})
	}
}

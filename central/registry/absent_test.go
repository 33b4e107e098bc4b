package registry_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"karta/central/registry"
)

// tokens is a TokenScanner over a slice.
type tokens []string

func (ts tokens) ScanTokens(ctx context.Context, fn func(string) error) error {
	for _, t := range ts {
		if err := fn(t); err != nil {
			return err
		}
	}
	return nil
}

func stored(n int) tokens {
	ts := make(tokens, n)
	for i := range ts {
		ts[i] = fmt.Sprintf("k1.T%019d", i)
	}
	return ts
}

func keep(ts tokens) map[string]bool {
	m := map[string]bool{}
	for _, t := range ts {
		m[t] = true
	}
	return m
}

func TestAbsent(t *testing.T) {
	big := stored(10000)
	cases := []struct {
		name    string
		stored  tokens
		kept    map[string]bool
		max     float64
		gone    int
		refused bool
	}{
		{"all kept", big, keep(big), 10, 0, false},
		{"5 % gone", big, keep(big[500:]), 10, 500, false},
		{"20 % gone", big, keep(big[2000:]), 10, 0, true},
		{"20 % gone, 25 allowed", big, keep(big[2000:]), 25, 2000, false},
		{"a small registry loses all", stored(100), nil, 10, 100, false},
		{"101 is more than the floor", stored(101), nil, 10, 0, true},
		{"empty store", nil, nil, 0, 0, false},
	}
	for _, c := range cases {
		gone, err := registry.Absent(context.Background(), c.stored, c.kept, c.max)
		var many *registry.TooManyAbsent
		if c.refused != errors.As(err, &many) || !c.refused && err != nil {
			t.Errorf("%s: %v, refused %v", c.name, err, c.refused)
		}
		if len(gone) != c.gone {
			t.Errorf("%s: %d gone, want %d", c.name, len(gone), c.gone)
		}
	}
}

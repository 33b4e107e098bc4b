package lists

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"

	"karta/central/store"
)

// BusFleet is the list of the bus validators.
const BusFleet = "bus-fleet"

// Target is a list and who it is for.
type Target struct {
	List     string
	Audience store.Audience
}

// nameSource is what Targets reads of the store.
type nameSource interface {
	Schools(ctx context.Context) ([]string, error)
	ListNames(ctx context.Context) ([]string, error)
}

// Targets returns the lists to build, sorted: bus-fleet, every school an
// entitlement names, and every list stored before. A school whose name
// cannot be a list name is logged and skipped.
func Targets(ctx context.Context, st nameSource, log *slog.Logger) ([]Target, error) {
	schools, err := st.Schools(ctx)
	if err != nil {
		return nil, fmt.Errorf("lists: %w", err)
	}
	stored, err := st.ListNames(ctx)
	if err != nil {
		return nil, fmt.Errorf("lists: %w", err)
	}
	names := map[string]bool{BusFleet: true}
	for _, s := range schools {
		if !ListName(s) || s == BusFleet {
			log.Warn("lists: a school whose name cannot be a list's is left out", "school", s)
			continue
		}
		names[s] = true
	}
	for _, s := range stored {
		names[s] = ListName(s)
	}
	var ts []Target
	for n, ok := range names {
		if ok {
			ts = append(ts, target(n))
		}
	}
	slices.SortFunc(ts, func(a, b Target) int { return strings.Compare(a.List, b.List) })
	return ts, nil
}

func target(list string) Target {
	if list == BusFleet {
		return Target{List: list, Audience: store.Audience{Bus: true}}
	}
	return Target{List: list, Audience: store.Audience{School: list}}
}

// ListName reports whether s may name a list: 1-64 of [a-z0-9._-], not
// starting with a dot (offline/bundle's rule).
func ListName(s string) bool {
	return s != "" && len(s) <= 64 && s[0] != '.' &&
		strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789._-") == ""
}

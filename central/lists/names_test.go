package lists_test

import (
	"context"
	"log/slog"
	"reflect"
	"strings"
	"testing"

	"karta/central/lists"
	"karta/central/store"
)

type fakeNames struct{ schools, stored []string }

func (n fakeNames) Schools(context.Context) ([]string, error)   { return n.schools, nil }
func (n fakeNames) ListNames(context.Context) ([]string, error) { return n.stored, nil }

func TestTargets(t *testing.T) {
	var log strings.Builder
	got, err := lists.Targets(context.Background(), fakeNames{
		schools: []string{"school-39", "School 7", "bus-fleet", "gymnasium-1"},
		stored:  []string{"bus-fleet", "school-12", "school-39"},
	}, slog.New(slog.NewTextHandler(&log, nil)))
	want := []lists.Target{
		{List: "bus-fleet", Audience: store.Audience{Bus: true}},
		{List: "gymnasium-1", Audience: store.Audience{School: "gymnasium-1"}},
		{List: "school-12", Audience: store.Audience{School: "school-12"}},
		{List: "school-39", Audience: store.Audience{School: "school-39"}},
	}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Targets = %v, %v\nwant %v", got, err, want)
	}
	if strings.Count(log.String(), "left out") != 2 {
		t.Errorf("want a warning for each of two schools left out:\n%s", log.String())
	}
}

package api

import (
	"context"
	"net/http"
	"time"

	"karta/central/store"
)

// ReportStore is what the report endpoints read.
type ReportStore interface {
	RidesReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]store.RideRow, error)
	MealsReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]store.MealRow, error)
}

// reportRoutes adds the report endpoints when Options.Reports is set.
func (s *server) reportRoutes(mux *http.ServeMux) {}

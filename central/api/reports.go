package api

import (
	"context"
	"encoding/csv"
	"net/http"
	"strconv"
	"time"

	"karta/central/store"
	"karta/offline"
)

// ReportStore is what the regional system's endpoints use: the reports,
// the tap export and the registry upload (registry.go).
type ReportStore interface {
	RidesReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]store.RideRow, error)
	MealsReport(ctx context.Context, from, to time.Time, loc *time.Location) ([]store.MealRow, error)
	EachTap(ctx context.Context, q store.TapQuery, fn func(store.StoredTap) error) error
	PutEntitlements(ctx context.Context, entries []*offline.Entry) (int, error)
	ScanTokens(ctx context.Context, fn func(token string) error) error
	DeleteEntitlements(ctx context.Context, tokens []string) error
}

// reportRoutes adds the regional system's endpoints when Options.Reports
// is set.
func (s *server) reportRoutes(mux *http.ServeMux) {
	if s.Reports == nil {
		return
	}
	mux.Handle("GET /api/v1/reports/rides", s.auth(http.HandlerFunc(s.ridesReport)))
	mux.Handle("GET /api/v1/reports/meals", s.auth(http.HandlerFunc(s.mealsReport)))
	mux.Handle("GET /api/v1/taps/export", s.auth(http.HandlerFunc(s.exportTaps)))
	mux.Handle("POST /api/v1/registry", s.auth(http.HandlerFunc(s.uploadRegistry)))
}

type rideView struct {
	Month    string `json:"month"`
	Route    string `json:"route"`
	Category string `json:"category"`
	Rides    int64  `json:"rides"`
	Fare     int64  `json:"fare"` // kopecks
}

type mealView struct {
	Day      string `json:"day"`
	School   string `json:"school"`
	Category string `json:"category"`
	Meal     string `json:"meal"`
	Meals    int64  `json:"meals"`
}

// reportView is a report's JSON answer: its period as asked (to
// inclusive), the zone its months or days are in, and its rows.
type reportView[T any] struct {
	From string `json:"from"`
	To   string `json:"to"`
	Zone string `json:"zone"`
	Rows []T    `json:"rows"`
}

func (s *server) ridesReport(w http.ResponseWriter, r *http.Request) {
	p, err := monthRange(r.URL.Query())
	asCSV, ferr := wantCSV(r)
	if err = firstErr(err, ferr); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	rows, err := s.Reports.RidesReport(r.Context(), p.from, p.to, region)
	vs := make([]rideView, len(rows))
	for i, row := range rows {
		vs[i] = rideView(row)
	}
	if err != nil || !asCSV {
		s.answer(w, reportView[rideView]{From: p.fromText, To: p.toText, Zone: region.String(), Rows: vs}, err)
		return
	}
	c := startCSV(w, "rides-"+p.fromText+"-"+p.toText+".csv", "month", "route", "category", "rides", "fare")
	for _, v := range vs {
		c.Write(cells(v.Month, v.Route, v.Category, i64(v.Rides), i64(v.Fare)))
	}
	c.Flush()
}

func (s *server) mealsReport(w http.ResponseWriter, r *http.Request) {
	p, err := dayRange(r.URL.Query())
	asCSV, ferr := wantCSV(r)
	if err = firstErr(err, ferr); err != nil {
		fail(w, http.StatusBadRequest, err.Error())
		return
	}
	rows, err := s.Reports.MealsReport(r.Context(), p.from, p.to, region)
	vs := make([]mealView, len(rows))
	for i, row := range rows {
		vs[i] = mealView(row)
	}
	if err != nil || !asCSV {
		s.answer(w, reportView[mealView]{From: p.fromText, To: p.toText, Zone: region.String(), Rows: vs}, err)
		return
	}
	c := startCSV(w, "meals-"+p.fromText+"-"+p.toText+".csv", "day", "school", "category", "meal", "meals")
	for _, v := range vs {
		c.Write(cells(v.Day, v.School, v.Category, v.Meal, i64(v.Meals)))
	}
	c.Flush()
}

// startCSV starts a CSV attachment named name with its header row.
func startCSV(w http.ResponseWriter, name string, header ...string) *csv.Writer {
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	c := csv.NewWriter(w)
	c.Write(header)
	return c
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

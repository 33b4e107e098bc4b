package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"karta/central/store"
)

// Longest report periods.
const (
	maxMonths = 120
	maxDays   = 731
)

func (s *server) reports(w http.ResponseWriter, r *http.Request, c *call) {
	s.render(w, c, http.StatusOK, "reports", view{Title: "title.reports", Nav: "reports"})
}

// period is a report's range as typed, and as [from, to) in the region.
type period struct {
	From, To string
	from, to time.Time
}

// parsePeriod reads from and to (layout "2006-01" or "2006-01-02"), both
// inclusive, defaulting to this month (or this month up to today); next
// steps one month or day. A bad period is a catalog key.
func (s *server) parsePeriod(v url.Values, layout string, next func(time.Time) time.Time, longest int) (period, string) {
	now := s.now().In(s.Location)
	p := period{From: v.Get("from"), To: v.Get("to")}
	if p.From == "" {
		p.From = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, s.Location).Format(layout)
	}
	if p.To == "" {
		p.To = now.Format(layout)
	}
	from, err1 := time.ParseInLocation(layout, p.From, s.Location)
	last, err2 := time.ParseInLocation(layout, p.To, s.Location)
	switch {
	case err1 != nil || err2 != nil:
		if len(layout) == len("2006-01") {
			return p, "reports.bad_month"
		}
		return p, "reports.bad_day"
	case last.Before(from):
		return p, "reports.bad_order"
	}
	p.from, p.to = from, next(last)
	n := 0
	for t := from; t.Before(p.to); t = next(t) {
		if n++; n > longest {
			return p, "reports.too_long"
		}
	}
	return p, ""
}

func nextMonth(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
func nextDay(t time.Time) time.Time   { return t.AddDate(0, 0, 1) }

func (p period) query() url.Values { return url.Values{"from": {p.From}, "to": {p.To}} }

type ridesData struct {
	From, To, CSV    string
	Rows             []store.RideRow
	RowsHTML         template.HTML
	Total, TotalFare int64
}

// rides is GET /reports/rides?from=YYYY-MM&to=YYYY-MM.
func (s *server) rides(w http.ResponseWriter, r *http.Request, c *call) {
	p, bad := s.parsePeriod(r.URL.Query(), "2006-01", nextMonth, maxMonths)
	d := ridesData{From: p.From, To: p.To, CSV: link("/reports/rides.csv", p.query())}
	v := view{Title: "title.rides", Nav: "reports"}
	code := http.StatusOK
	if bad != "" {
		v.Error, code = c.tf("reports.bad_range", c.tf(bad)), http.StatusBadRequest
	} else {
		rows, err := s.Store.RidesReport(r.Context(), p.from, p.to, s.Location)
		if err != nil {
			s.Log.Error("web: rides report", "err", err)
			s.fail(w, c, http.StatusInternalServerError, "error.internal")
			return
		}
		d.Rows, d.RowsHTML = rows, rideRows(rows, c.lang)
		for _, row := range rows {
			d.Total, d.TotalFare = d.Total+row.Rides, d.TotalFare+row.Fare
		}
	}
	v.D = d
	s.render(w, c, code, "rides", v)
}

func (s *server) ridesCSV(w http.ResponseWriter, r *http.Request, c *call) {
	p, bad := s.parsePeriod(r.URL.Query(), "2006-01", nextMonth, maxMonths)
	if bad != "" {
		http.Error(w, c.tf("reports.bad_range", c.tf(bad)), http.StatusBadRequest)
		return
	}
	rows, err := s.Store.RidesReport(r.Context(), p.from, p.to, s.Location)
	if err != nil {
		s.Log.Error("web: rides report", "err", err)
		http.Error(w, c.tf("error.internal"), http.StatusInternalServerError)
		return
	}
	cw := newCSV(w, "rides-"+p.From+"-"+p.To+".csv", "month", "route", "category", "rides", "fare_kopecks")
	for _, row := range rows {
		cw.row(row.Month, row.Route, row.Category, strconv.FormatInt(row.Rides, 10), strconv.FormatInt(row.Fare, 10))
	}
	cw.flush()
}

type mealsData struct {
	From, To, CSV string
	Rows          []store.MealRow
	RowsHTML      template.HTML
	Total         int64
}

// meals is GET /reports/meals?from=YYYY-MM-DD&to=YYYY-MM-DD.
func (s *server) meals(w http.ResponseWriter, r *http.Request, c *call) {
	p, bad := s.parsePeriod(r.URL.Query(), "2006-01-02", nextDay, maxDays)
	d := mealsData{From: p.From, To: p.To, CSV: link("/reports/meals.csv", p.query())}
	v := view{Title: "title.meals", Nav: "reports"}
	code := http.StatusOK
	if bad != "" {
		v.Error, code = c.tf("reports.bad_range", c.tf(bad)), http.StatusBadRequest
	} else {
		rows, err := s.Store.MealsReport(r.Context(), p.from, p.to, s.Location)
		if err != nil {
			s.Log.Error("web: meals report", "err", err)
			s.fail(w, c, http.StatusInternalServerError, "error.internal")
			return
		}
		d.Rows, d.RowsHTML = rows, mealRows(rows, c.lang)
		for _, row := range rows {
			d.Total += row.Meals
		}
	}
	v.D = d
	s.render(w, c, code, "meals", v)
}

func (s *server) mealsCSV(w http.ResponseWriter, r *http.Request, c *call) {
	p, bad := s.parsePeriod(r.URL.Query(), "2006-01-02", nextDay, maxDays)
	if bad != "" {
		http.Error(w, c.tf("reports.bad_range", c.tf(bad)), http.StatusBadRequest)
		return
	}
	rows, err := s.Store.MealsReport(r.Context(), p.from, p.to, s.Location)
	if err != nil {
		s.Log.Error("web: meals report", "err", err)
		http.Error(w, c.tf("error.internal"), http.StatusInternalServerError)
		return
	}
	cw := newCSV(w, "meals-"+p.From+"-"+p.To+".csv", "day", "school", "category", "meal", "meals")
	for _, row := range rows {
		cw.row(row.Day, row.School, row.Category, row.Meal, strconv.FormatInt(row.Meals, 10))
	}
	cw.flush()
}

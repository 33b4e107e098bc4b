package web

import (
	"errors"
	"net/http"
	"strconv"

	"karta/central/store"
)

// alertsShown is how many alerts the page lists, newest first.
const alertsShown = 500

// alerts is GET /alerts: the open alerts, or all with ?all=1.
func (s *server) alerts(w http.ResponseWriter, r *http.Request, c *call) {
	v := view{Title: "title.alerts", Nav: "alerts"}
	if id, err := strconv.ParseInt(r.URL.Query().Get("resolved"), 10, 64); err == nil {
		v.Flash = c.tf("alerts.done", id)
	}
	s.showAlerts(w, r, c, http.StatusOK, v)
}

func (s *server) showAlerts(w http.ResponseWriter, r *http.Request, c *call, code int, v view) {
	all := r.URL.Query().Get("all") == "1"
	as, err := s.Store.Alerts(r.Context(), !all, alertsShown)
	if err != nil {
		s.Log.Error("web: alerts", "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	v.Title, v.Nav = "title.alerts", "alerts"
	v.D = struct {
		Alerts []store.Alert
		All    bool
	}{as, all}
	s.render(w, c, code, "alerts", v)
}

// resolve is POST /alerts/{id}/resolve.
func (s *server) resolve(w http.ResponseWriter, r *http.Request, c *call) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err == nil {
		err = s.Store.ResolveAlert(r.Context(), id)
	}
	switch {
	case err == nil:
		s.Log.Info("web: alert resolved", "user", c.sess.User, "alert", id)
		http.Redirect(w, r, "/alerts?resolved="+strconv.FormatInt(id, 10), http.StatusSeeOther)
	case errors.Is(err, store.ErrNotFound) || errors.Is(err, strconv.ErrSyntax) || errors.Is(err, strconv.ErrRange):
		s.showAlerts(w, r, c, http.StatusNotFound, view{Error: c.tf("error.no_alert")})
	default:
		s.Log.Error("web: resolve alert", "alert", id, "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
	}
}

package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"

	"karta/central/store"
	"karta/central/web/password"
)

type usersData struct {
	Users      []store.User
	Name, Role string // the add form, as typed (never the password)
}

// users is GET /users (admin): who may log in.
func (s *server) users(w http.ResponseWriter, r *http.Request, c *call) {
	v := view{}
	q := r.URL.Query()
	if n := q.Get("added"); store.ValidUserName(n) {
		v.Flash = c.tf("users.added", n)
	}
	switch n, a, role := q.Get("changed"), q.Get("action"), q.Get("role"); {
	case !store.ValidUserName(n):
	case a == "disable" || a == "enable":
		v.Flash = c.tf("users.changed", n, c.tf("users."+a+"d"))
	case a == "role" && slices.Contains(store.Roles, role):
		v.Flash = c.tf("users.changed", n, c.tf("users.role_now", c.tf("role."+role)))
	}
	s.showUsers(w, r, c, http.StatusOK, v, usersData{Role: store.RoleViewer})
}

func (s *server) showUsers(w http.ResponseWriter, r *http.Request, c *call, code int, v view, d usersData) {
	us, err := s.Users.Users(r.Context())
	if err != nil {
		s.Log.Error("web: users", "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
		return
	}
	d.Users = us
	v.Title, v.Nav, v.D = "title.users", "users", d
	s.render(w, c, code, "users", v)
}

// addUser is POST /users (admin): name, password, role.
func (s *server) addUser(w http.ResponseWriter, r *http.Request, c *call) {
	name, pw, role := r.PostForm.Get("name"), r.PostForm.Get("password"), r.PostForm.Get("role")
	d := usersData{Name: name, Role: role}
	bad := ""
	switch {
	case !store.ValidUserName(name):
		bad, d.Name = "users.bad_name", ""
	case !slices.Contains(store.Roles, role):
		bad = "users.bad_role"
	case errors.Is(password.Acceptable(pw), password.ErrTooShort):
		bad = "users.short"
	case password.Acceptable(pw) != nil:
		bad = "users.long"
	}
	var err error
	if bad == "" {
		var hash string
		if hash, err = password.Hash(pw, s.Iterations); err == nil {
			err = s.Users.AddUser(r.Context(), store.User{Name: name, Role: role, Hash: hash})
		}
		if errors.Is(err, store.ErrExists) {
			bad, err = "users.exists", nil
		}
	}
	switch {
	case err != nil:
		s.Log.Error("web: add user", "user", name, "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
	case bad != "":
		s.showUsers(w, r, c, http.StatusBadRequest, view{Error: c.tf(bad)}, d)
	default:
		s.Log.Info("web: user added", "by", c.sess.User, "user", name, "role", role)
		http.Redirect(w, r, "/users?added="+url.QueryEscape(name), http.StatusSeeOther)
	}
}

// changeUser is POST /users/{name}/disable, /enable or /role (admin);
// an admin cannot disable or demote itself, so one admin is always left.
func (s *server) changeUser(w http.ResponseWriter, r *http.Request, c *call) {
	name, action, role := r.PathValue("name"), r.PathValue("action"), r.PostForm.Get("role")
	var err error
	switch {
	case action != "disable" && action != "enable" && action != "role":
		s.fail(w, c, http.StatusNotFound, "error.not_found")
		return
	case name == c.sess.User:
		s.showUsers(w, r, c, http.StatusBadRequest, view{Error: c.tf("users.self")}, usersData{Role: store.RoleViewer})
		return
	case action == "role":
		err = s.Users.SetUserRole(r.Context(), name, role)
	default:
		err = s.Users.SetUserDisabled(r.Context(), name, action == "disable")
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		s.showUsers(w, r, c, http.StatusNotFound, view{Error: c.tf("error.no_user")}, usersData{Role: store.RoleViewer})
	case errors.Is(err, store.ErrInvalid):
		s.showUsers(w, r, c, http.StatusBadRequest, view{Error: c.tf("users.bad_role")}, usersData{Role: store.RoleViewer})
	case err != nil:
		s.Log.Error("web: change user", "user", name, "err", err)
		s.fail(w, c, http.StatusInternalServerError, "error.internal")
	default:
		s.Log.Info("web: user changed", "by", c.sess.User, "user", name, "action", action, "role", role)
		q := url.Values{"changed": {name}, "action": {action}}
		if action == "role" {
			q.Set("role", role)
		}
		http.Redirect(w, r, "/users?"+q.Encode(), http.StatusSeeOther)
	}
}

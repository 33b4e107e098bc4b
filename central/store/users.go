package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"
)

// User is a person who may log in to the ops UI.
type User struct {
	Name     string
	Role     string // RoleViewer, RoleTechnician or RoleAdmin
	Hash     string // the password's hash; the store never sees a password
	Disabled bool
	Created  time.Time
	Failures int       // failed logins since the last good one
	Failed   time.Time // the last failed login; zero if none
}

// Roles of users, each allowed what the one before is and more.
const (
	RoleViewer     = "viewer"     // reads every page, looks cards up
	RoleTechnician = "technician" // also sends device commands, resolves alerts
	RoleAdmin      = "admin"      // also manages users
)

// Roles are the roles, least allowed first.
var Roles = []string{RoleViewer, RoleTechnician, RoleAdmin}

// Session is a logged-in browser, kept by the SHA-256 of its id.
type Session struct {
	IDHash  string // hex SHA-256 of the cookie's id
	User    string
	Role    string // the user's role, read with the session
	CSRF    string // the session's CSRF token
	Created time.Time
	Seen    time.Time // the last request, to the minute or so
}

const userColumns = "name, role, hash, disabled, created_us, failures, failed_us"

// AddUser stores a new user, or says ErrExists. Created, if zero, becomes
// now.
func (s *Store) AddUser(ctx context.Context, u User) error {
	if err := checkUser(&u); err != nil {
		return err
	}
	if u.Created.IsZero() {
		u.Created = s.now()
	}
	res, err := s.exec(ctx, `INSERT INTO users (name, role, hash, disabled, created_us) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (name) DO NOTHING`, u.Name, u.Role, u.Hash, u.Disabled, us(u.Created))
	n, err := affected(res, err)
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: user %s", ErrExists, u.Name)
	}
	return wrap(err, "add user %s", u.Name)
}

func checkUser(u *User) error {
	switch {
	case !ValidUserName(u.Name):
		return fmt.Errorf("%w: user name %q (1-64 of a-z, A-Z, 0-9, '.', '_', '-', '@')", ErrInvalid, u.Name)
	case !slices.Contains(Roles, u.Role):
		return fmt.Errorf("%w: role %q (viewer, technician or admin)", ErrInvalid, u.Role)
	case u.Hash == "":
		return fmt.Errorf("%w: user %s without a password hash", ErrInvalid, u.Name)
	}
	return nil
}

// ValidUserName says whether name can name a user.
func ValidUserName(name string) bool {
	if name == "" || len(name) > 64 {
		return false
	}
	for _, c := range []byte(name) {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-' || c == '@'
		if !ok {
			return false
		}
	}
	return true
}

// User returns a user by name, or ErrNotFound.
func (s *Store) User(ctx context.Context, name string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, s.d.rebind(`SELECT `+userColumns+` FROM users WHERE name = ?`), name))
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("%w: user %s", ErrNotFound, name)
	}
	return u, wrap(err, "user %s", name)
}

// Users returns every user, by name.
func (s *Store) Users(ctx context.Context) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	users, err := collect(rows, err, scanUser)
	return users, wrap(err, "users")
}

func scanUser(r scanner) (User, error) {
	var u User
	var created, failed int64
	err := r.Scan(&u.Name, &u.Role, &u.Hash, &u.Disabled, &created, &u.Failures, &failed)
	u.Created, u.Failed = fromUS(created), fromUS(failed)
	return u, err
}

// SetPassword replaces a user's password hash, clears its failed logins
// and ends its sessions; ErrNotFound if there is no such user.
func (s *Store) SetPassword(ctx context.Context, name, hash string) error {
	if hash == "" {
		return fmt.Errorf("%w: empty password hash for %s", ErrInvalid, name)
	}
	return s.changeUser(ctx, name, true, `UPDATE users SET hash = ?, failures = 0, failed_us = 0 WHERE name = ?`, hash, name)
}

// SetUserDisabled disables a user, ending its sessions, or enables it
// again; ErrNotFound if there is no such user.
func (s *Store) SetUserDisabled(ctx context.Context, name string, disabled bool) error {
	return s.changeUser(ctx, name, disabled, `UPDATE users SET disabled = ? WHERE name = ?`, disabled, name)
}

// SetUserRole changes a user's role; its sessions carry the new role from
// their next request.
func (s *Store) SetUserRole(ctx context.Context, name, role string) error {
	if !slices.Contains(Roles, role) {
		return fmt.Errorf("%w: role %q (viewer, technician or admin)", ErrInvalid, role)
	}
	return s.changeUser(ctx, name, false, `UPDATE users SET role = ? WHERE name = ?`, role, name)
}

// changeUser runs one UPDATE of a user and, if endSessions, deletes its
// sessions in the same transaction.
func (s *Store) changeUser(ctx context.Context, name string, endSessions bool, q string, v ...any) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, s.d.rebind(q), v...)
		if err != nil {
			return err
		}
		if err := mustAffect(res, "user %s", name); err != nil || !endSessions {
			return err
		}
		_, err = tx.ExecContext(ctx, s.d.rebind(`DELETE FROM sessions WHERE user_name = ?`), name)
		return err
	})
	return wrap(err, "change user %s", name)
}

// RecordLogin counts a failed login of a user at at, or clears the count
// after a good one. An unknown user is no error: nothing is recorded.
func (s *Store) RecordLogin(ctx context.Context, name string, ok bool, at time.Time) error {
	q, v := `UPDATE users SET failures = failures + 1, failed_us = ? WHERE name = ?`, []any{us(at), name}
	if ok {
		q, v = `UPDATE users SET failures = 0, failed_us = 0 WHERE name = ? AND failures <> 0`, []any{name}
	}
	_, err := s.exec(ctx, q, v...)
	return wrap(err, "record login of %s", name)
}

// AddSession stores a new session.
func (s *Store) AddSession(ctx context.Context, se Session) error {
	if len(se.IDHash) != 64 || se.CSRF == "" || se.User == "" || se.Created.IsZero() {
		return fmt.Errorf("%w: session of %q without id hash, CSRF token or time", ErrInvalid, se.User)
	}
	if se.Seen.Before(se.Created) {
		se.Seen = se.Created
	}
	_, err := s.exec(ctx, `INSERT INTO sessions (id_hash, user_name, csrf, created_us, seen_us) VALUES (?, ?, ?, ?, ?)`,
		se.IDHash, se.User, se.CSRF, us(se.Created), us(se.Seen))
	return wrap(err, "add session of %s", se.User)
}

// Session returns the session of an id hash with its user's role, or
// ErrNotFound — also when its user is disabled or gone.
func (s *Store) Session(ctx context.Context, idHash string) (Session, error) {
	var se Session
	var created, seen int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT s.id_hash, s.user_name, u.role, s.csrf, s.created_us, s.seen_us
		FROM sessions s JOIN users u ON u.name = s.user_name WHERE s.id_hash = ? AND u.disabled = ?`), idHash, false).
		Scan(&se.IDHash, &se.User, &se.Role, &se.CSRF, &created, &seen)
	if errors.Is(err, sql.ErrNoRows) {
		return Session{}, fmt.Errorf("%w: session", ErrNotFound)
	}
	se.Created, se.Seen = fromUS(created), fromUS(seen)
	return se, wrap(err, "session")
}

// TouchSession notes a session's latest request.
func (s *Store) TouchSession(ctx context.Context, idHash string, at time.Time) error {
	_, err := s.exec(ctx, `UPDATE sessions SET seen_us = ? WHERE id_hash = ?`, us(at), idHash)
	return wrap(err, "touch session")
}

// DeleteSession ends a session; ending one that is gone is no error.
func (s *Store) DeleteSession(ctx context.Context, idHash string) error {
	_, err := s.exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, idHash)
	return wrap(err, "delete session")
}

// DeleteStaleSessions ends every session last seen before seenBefore or
// created before createdBefore, and says how many.
func (s *Store) DeleteStaleSessions(ctx context.Context, seenBefore, createdBefore time.Time) (int64, error) {
	res, err := s.exec(ctx, `DELETE FROM sessions WHERE seen_us < ? OR created_us < ?`, us(seenBefore), us(createdBefore))
	n, err := affected(res, err)
	return n, wrap(err, "delete stale sessions")
}

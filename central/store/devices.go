package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	tapsync "karta/sync"
)

// Device is a device in the registry, with what its last status said.
type Device struct {
	ID, Role, Route, School string
	Created                 time.Time
	LastSeen                time.Time // when central last received an online status
	Boot                    uint32
	Backlog                 int
	Online                  bool
	ClockSkew               time.Duration // device clock minus central's, to the microsecond
	Lists                   []tapsync.ListStatus
	Readers                 []tapsync.Reader
	Agent                   string
	Revoked                 bool
}

// PutDevice registers a device, or updates its role, route and school.
// Created, if zero, becomes now; an existing device keeps its own.
func (s *Store) PutDevice(ctx context.Context, d Device) error {
	if !tapsync.ValidDeviceID(d.ID) {
		return fmt.Errorf("%w: device id %q", ErrInvalid, d.ID)
	}
	if d.Created.IsZero() {
		d.Created = s.now()
	}
	_, err := s.exec(ctx, `INSERT INTO devices (id, role, route, school, created_us) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET role = excluded.role, route = excluded.route, school = excluded.school`,
		d.ID, d.Role, d.Route, d.School, us(d.Created))
	return wrap(err, "put device %s", d.ID)
}

// UpdateStatus records a device's status received at received, and
// registers a device it does not know. An online status sets everything
// it carries, the clock skew to st.Time - received (unless st.Time is
// zero), and the role if the registry has none. An offline status (the
// last will) only marks the device offline.
func (s *Store) UpdateStatus(ctx context.Context, st tapsync.Status, received time.Time) error {
	if !tapsync.ValidDeviceID(st.Device) {
		return fmt.Errorf("%w: device id %q", ErrInvalid, st.Device)
	}
	err := s.update(ctx, func(tx *sql.Tx) error {
		d, err := s.device(ctx, tx, st.Device)
		if errors.Is(err, ErrNotFound) {
			d, err = Device{ID: st.Device, Created: received}, nil
		}
		if err != nil {
			return err
		}
		applyStatus(&d, &st, received)
		return s.writeDevice(ctx, tx, &d)
	})
	return wrap(err, "status of %s", st.Device)
}

func applyStatus(d *Device, st *tapsync.Status, received time.Time) {
	d.Online = st.Online
	if !st.Online {
		return
	}
	d.LastSeen, d.Boot, d.Backlog, d.Agent = received, st.Boot, st.Backlog, st.Agent
	d.Lists, d.Readers = st.Lists, st.Readers
	if d.Role == "" {
		d.Role = st.Role
	}
	if !st.Time.IsZero() {
		d.ClockSkew = st.Time.Sub(received).Truncate(time.Microsecond)
	}
}

// RevokeDevice marks a device revoked; it stays in the registry.
func (s *Store) RevokeDevice(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `UPDATE devices SET revoked = ? WHERE id = ?`, true, id)
	if err != nil {
		return wrap(err, "revoke device %s", id)
	}
	return mustAffect(res, "device %s", id)
}

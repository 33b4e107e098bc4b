package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

const deviceColumns = "id, role, route, school, created_us, last_seen_us, boot, backlog, online, " +
	"clock_skew_us, lists, readers, agent, revoked"

// Device returns a device of the registry, or ErrNotFound.
func (s *Store) Device(ctx context.Context, id string) (Device, error) {
	d, err := s.device(ctx, s.db, id)
	return d, wrap(err, "device %s", id)
}

// Devices returns the whole registry, by id.
func (s *Store) Devices(ctx context.Context) ([]Device, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+deviceColumns+` FROM devices ORDER BY id`)
	ds, err := collect(rows, err, scanDevice)
	return ds, wrap(err, "devices")
}

func (s *Store) device(ctx context.Context, q querier, id string) (Device, error) {
	d, err := scanDevice(q.QueryRowContext(ctx, s.d.rebind(`SELECT `+deviceColumns+` FROM devices WHERE id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return Device{}, fmt.Errorf("%w: device %s", ErrNotFound, id)
	}
	return d, err
}

// writeDevice writes every column of d but its creation time.
func (s *Store) writeDevice(ctx context.Context, tx *sql.Tx, d *Device) error {
	lists, _ := json.Marshal(d.Lists) // slices of plain structs always marshal
	readers, _ := json.Marshal(d.Readers)
	_, err := tx.ExecContext(ctx, s.d.rebind(`INSERT INTO devices (`+deviceColumns+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET role = excluded.role, route = excluded.route, school = excluded.school,
		last_seen_us = excluded.last_seen_us, boot = excluded.boot, backlog = excluded.backlog,
		online = excluded.online, clock_skew_us = excluded.clock_skew_us, lists = excluded.lists,
		readers = excluded.readers, agent = excluded.agent, revoked = excluded.revoked`),
		d.ID, d.Role, d.Route, d.School, us(d.Created), us(d.LastSeen), int64(d.Boot), d.Backlog, d.Online,
		d.ClockSkew.Microseconds(), string(lists), string(readers), d.Agent, d.Revoked)
	return err
}

func scanDevice(r scanner) (Device, error) {
	var d Device
	var created, seen, skew, boot int64
	var lists, readers string
	err := r.Scan(&d.ID, &d.Role, &d.Route, &d.School, &created, &seen, &boot, &d.Backlog, &d.Online,
		&skew, &lists, &readers, &d.Agent, &d.Revoked)
	if err != nil {
		return Device{}, err
	}
	d.Created, d.LastSeen, d.Boot = fromUS(created), fromUS(seen), uint32(boot)
	d.ClockSkew = time.Duration(skew) * time.Microsecond
	if err := unmarshalList(lists, &d.Lists); err != nil {
		return Device{}, err
	}
	return d, unmarshalList(readers, &d.Readers)
}

// unmarshalList reads a JSON array column; an empty one gives nil.
func unmarshalList[T any](s string, v *[]T) error {
	if err := json.Unmarshal([]byte(s), v); err != nil {
		return fmt.Errorf("corrupt JSON column: %w", err)
	}
	if len(*v) == 0 {
		*v = nil
	}
	return nil
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	tapsync "karta/sync"
)

// Command is a signed command for a device, as stored: what central sent
// and, once the device's status says so, how it went.
type Command struct {
	ID, Device, Kind string
	Signed           []byte // the wire form, tapsync.Sign's output
	Issued, Expires  time.Time
	Sent             time.Time              // zero until claimed for publishing
	Result           *tapsync.CommandResult // nil until the device reports
}

var commandKinds = []string{tapsync.CmdResync, tapsync.CmdSelftest, tapsync.CmdDiagnostics}

const commandColumns = "id, device, kind, signed, issued_us, expires_us, sent_us, result_at_us, result_ok, result_detail"

// AddCommand stores a command to send, or says ErrExists for a command id
// stored already.
func (s *Store) AddCommand(ctx context.Context, c Command) error {
	if err := checkCommand(&c); err != nil {
		return err
	}
	res, err := s.exec(ctx, `INSERT INTO commands (id, device, kind, signed, issued_us, expires_us)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		c.ID, c.Device, c.Kind, c.Signed, us(c.Issued), us(c.Expires))
	n, err := affected(res, err)
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: command %s", ErrExists, c.ID)
	}
	return wrap(err, "add command %s", c.ID)
}

func checkCommand(c *Command) error {
	switch {
	case !tapsync.ValidDeviceID(c.Device):
		return fmt.Errorf("%w: command for device %q", ErrInvalid, c.Device)
	case c.ID == "" || len(c.ID) > 64:
		return fmt.Errorf("%w: command id %q (1..64 bytes)", ErrInvalid, c.ID)
	case !slices.Contains(commandKinds, c.Kind):
		return fmt.Errorf("%w: command kind %q", ErrInvalid, c.Kind)
	case c.Issued.IsZero() || !c.Expires.After(c.Issued) || len(c.Signed) == 0:
		return fmt.Errorf("%w: command %s unsigned, or expiring before it is issued", ErrInvalid, c.ID)
	}
	return nil
}

// Commands returns a device's commands (all devices' if device is ""),
// newest first, at most limit (0: DefaultLimit).
func (s *Store) Commands(ctx context.Context, device string, limit int) ([]Command, error) {
	a := &args{d: s.d}
	q := `SELECT ` + commandColumns + ` FROM commands`
	if device != "" {
		q += ` WHERE device = ` + a.add(device)
	}
	q += ` ORDER BY issued_us DESC, id DESC LIMIT ` + a.add(clampLimit(limit))
	rows, err := s.db.QueryContext(ctx, q, a.list...)
	cs, err := collect(rows, err, scanCommand)
	return cs, wrap(err, "commands")
}

// ClaimCommands marks every command that is neither sent nor expired at
// now, and whose device is online and not revoked, as sent at now, and
// returns them, oldest first, for the caller to publish. A command for an
// offline device waits (commands are not retained by the broker, and a
// device's session starts clean). A command is claimed once, by one
// caller, even with several instances on one database: that is what makes
// it sent at most once. When nothing waits it only reads.
func (s *Store) ClaimCommands(ctx context.Context, now time.Time) ([]Command, error) {
	var waiting int
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM
		(SELECT 1 FROM commands WHERE `+claimable+` LIMIT 1) w`), us(now), true, false).Scan(&waiting)
	if err != nil || waiting == 0 {
		return nil, wrap(err, "claim commands")
	}
	var cs []Command
	err = s.update(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, s.d.rebind(`UPDATE commands SET sent_us = ?
			WHERE `+claimable+` RETURNING `+commandColumns), us(now), us(now), true, false)
		cs, err = collect(rows, err, scanCommand)
		return err
	})
	slices.SortFunc(cs, func(a, b Command) int { return a.Issued.Compare(b.Issued) })
	return cs, wrap(err, "claim commands")
}

// claimable selects the commands to send at ? (now), to devices online
// (?, true) and not revoked (?, false).
const claimable = `sent_us = 0 AND expires_us > ? AND device IN (SELECT id FROM devices WHERE online = ? AND revoked = ?)`

// ReleaseCommand makes a claimed command unsent again, for a publish that
// failed; ErrNotFound if there is no such command.
func (s *Store) ReleaseCommand(ctx context.Context, id string) error {
	res, err := s.exec(ctx, `UPDATE commands SET sent_us = 0 WHERE id = ?`, id)
	if err != nil {
		return wrap(err, "release command %s", id)
	}
	return mustAffect(res, "command %s", id)
}

// RecordCommandResult stores how a command went, as device's status
// reports it; ErrNotFound if device has no command by that id. A result
// recorded already is not written again (statuses repeat it).
func (s *Store) RecordCommandResult(ctx context.Context, device string, r tapsync.CommandResult) error {
	if r.At.IsZero() {
		return fmt.Errorf("%w: result of command %s without a time", ErrInvalid, r.ID)
	}
	res, err := s.exec(ctx, `UPDATE commands SET result_at_us = ?, result_ok = ?, result_detail = ?
		WHERE id = ? AND device = ? AND (result_at_us <> ? OR result_ok <> ? OR result_detail <> ?)`,
		us(r.At), r.OK, r.Detail, r.ID, device, us(r.At), r.OK, r.Detail)
	n, err := affected(res, err)
	if err != nil || n > 0 {
		return wrap(err, "command result %s of %s", r.ID, device)
	}
	var one int
	err = s.db.QueryRowContext(ctx, s.d.rebind(`SELECT 1 FROM commands WHERE id = ? AND device = ?`), r.ID, device).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%w: command %s of %s", ErrNotFound, r.ID, device)
	}
	return wrap(err, "command result %s of %s", r.ID, device)
}

func scanCommand(r scanner) (Command, error) {
	var c Command
	var issued, expires, sent, resultAt int64
	var ok bool
	var detail string
	err := r.Scan(&c.ID, &c.Device, &c.Kind, &c.Signed, &issued, &expires, &sent, &resultAt, &ok, &detail)
	c.Issued, c.Expires, c.Sent = fromUS(issued), fromUS(expires), fromUS(sent)
	if resultAt != 0 {
		c.Result = &tapsync.CommandResult{ID: c.ID, Kind: c.Kind, OK: ok, Detail: detail, At: fromUS(resultAt)}
	}
	return c, err
}

package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"

	tapsync "karta/sync"
)

// SaveConfig stores a device's signed config if version is higher than
// the stored one's, else says ErrNotNewer.
func (s *Store) SaveConfig(ctx context.Context, device string, version uint64, signed []byte) error {
	if !tapsync.ValidDeviceID(device) || version == 0 || version > math.MaxInt64 || len(signed) == 0 {
		return fmt.Errorf("%w: config of %q version %d", ErrInvalid, device, version)
	}
	res, err := s.exec(ctx, `INSERT INTO configs (device, version, signed, updated_us) VALUES (?, ?, ?, ?)
		ON CONFLICT (device) DO UPDATE SET version = excluded.version, signed = excluded.signed,
		updated_us = excluded.updated_us WHERE configs.version < excluded.version`,
		device, int64(version), signed, us(s.now()))
	n, err := affected(res, err)
	if err == nil && n == 0 {
		err = fmt.Errorf("%w: config of %s version %d", ErrNotNewer, device, version)
	}
	return wrap(err, "save config of %s", device)
}

// Config returns a device's stored config, or ErrNotFound.
func (s *Store) Config(ctx context.Context, device string) (version uint64, signed []byte, err error) {
	var v int64
	err = s.db.QueryRowContext(ctx, s.d.rebind(`SELECT version, signed FROM configs WHERE device = ?`), device).Scan(&v, &signed)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, fmt.Errorf("%w: config of %s", ErrNotFound, device)
	}
	return uint64(v), signed, wrap(err, "config of %s", device)
}

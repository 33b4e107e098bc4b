package store

import (
	"context"
	"fmt"
)

// ConfigVersion is a device's stored config version beside the one its
// status says it runs (0: none from central yet).
type ConfigVersion struct {
	Device           string
	Version, Running uint64
}

// ConfigVersions returns every device's config versions, by device.
func (s *Store) ConfigVersions(ctx context.Context) ([]ConfigVersion, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT device, version, running FROM configs ORDER BY device`)
	vs, err := collect(rows, err, func(r scanner) (v ConfigVersion, err error) {
		var version, running int64
		err = r.Scan(&v.Device, &version, &running)
		v.Version, v.Running = uint64(version), uint64(running)
		return v, err
	})
	return vs, wrap(err, "config versions")
}

// ConfigStamp changes whenever a config is stored: it is the number of
// configs and the sum of their versions, which only grow. One cheap
// aggregate, for a publisher to poll.
func (s *Store) ConfigStamp(ctx context.Context) (string, error) {
	var n, sum int64
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), CAST(COALESCE(SUM(version), 0) AS BIGINT) FROM configs`).Scan(&n, &sum)
	return fmt.Sprintf("%d/%d", n, sum), wrap(err, "config stamp")
}

// NoteRunningConfig records the config version device's status says it
// runs. A device without a stored config, or a version recorded already,
// writes nothing.
func (s *Store) NoteRunningConfig(ctx context.Context, device string, version uint64) error {
	v := int64(min(version, 1<<63-1))
	_, err := s.exec(ctx, `UPDATE configs SET running = ? WHERE device = ? AND running <> ?`, v, device, v)
	return wrap(err, "running config of %s", device)
}

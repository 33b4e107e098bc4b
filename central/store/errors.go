package store

import "errors"

// Sentinel errors of the store. Messages name what they concern; callers
// test with errors.Is.
var (
	// ErrNotFound: no device, config or list chunk by that key.
	ErrNotFound = errors.New("store: not found")
	// ErrInvalid: an argument the store refuses to write, such as a
	// malformed device id or token, seq 0, or a version above 2^63-1.
	ErrInvalid = errors.New("store: invalid argument")
	// ErrExists: a list version (list, version, base) is stored already;
	// stored versions are never replaced.
	ErrExists = errors.New("store: already stored")
	// ErrNotNewer: a device config whose version does not raise the stored
	// one.
	ErrNotNewer = errors.New("store: version is not newer than the stored one")
	// ErrDSN: a data source name the store cannot open.
	ErrDSN = errors.New("store: bad data source name")
	// ErrSchemaNewer: the database carries migrations this program does not
	// know; it was written by a newer central.
	ErrSchemaNewer = errors.New("store: database schema is newer than this program")
)

var sentinels = []error{ErrNotFound, ErrInvalid, ErrExists, ErrNotNewer, ErrDSN, ErrSchemaNewer}

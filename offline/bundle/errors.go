package bundle

import (
	"errors"
	"fmt"
)

// Sentinel errors of this package; callers test with errors.Is. A refusal
// of one bundle comes as an *Error that unwraps to one of them.
var (
	// ErrBadKey: a key, key id or key file that does not parse.
	ErrBadKey = errors.New("bundle: bad key")
	// ErrUnknownKey: the manifest names a signing key the device does not trust.
	ErrUnknownKey = errors.New("bundle: unknown signing key")
	// ErrBadSignature: the signature does not match the manifest bytes.
	ErrBadSignature = errors.New("bundle: signature invalid")
	// ErrFormat: not a bundle, a manifest or a container of a known format.
	ErrFormat = errors.New("bundle: bad format")
	// ErrExpired: the manifest's expiry is before the device's clock.
	ErrExpired = errors.New("bundle: expired")
	// ErrTruncated: a chunk, or the file holding the bundle, ends early.
	ErrTruncated = errors.New("bundle: truncated")
	// ErrCorruptChunk: a chunk's size or sha256 differs from the manifest,
	// or it does not inflate.
	ErrCorruptChunk = errors.New("bundle: corrupt chunk")
	// ErrBadOp: an op record that does not decode (a bad kind, token or
	// length), or a delete in a snapshot. A bad entry also wraps
	// offline.ErrCorruptEntry.
	ErrBadOp = errors.New("bundle: bad op")
	// ErrOrder: tokens not strictly increasing, a token named twice included.
	ErrOrder = errors.New("bundle: tokens out of order")
	// ErrOpCount: the chunks hold another number of ops than the manifest says.
	ErrOpCount = errors.New("bundle: op count differs from the manifest")
)

// Error is a refusal of one bundle, or of building one: its Kind is one of
// the sentinels above, Err the cause underneath if any (for example
// offline.ErrCorruptEntry). It reads
//
//	bundle: signature invalid for list bus-fleet v42 (key k2)
type Error struct {
	Kind    error
	List    string // "" when the manifest could not be read
	Version uint64
	Base    uint64 // 0: a snapshot
	Detail  string
	Err     error
}

func (e *Error) Error() string {
	s := e.Kind.Error()
	if e.List != "" {
		s += " for " + listName(e.List, e.Base, e.Version)
	}
	if e.Detail != "" {
		s += " (" + e.Detail + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap gives the kind and the cause, for errors.Is.
func (e *Error) Unwrap() []error {
	if e.Err == nil {
		return []error{e.Kind}
	}
	return []error{e.Kind, e.Err}
}

// listName names a list version for people: "list bus-fleet v42", or
// "list bus-fleet delta v41→v42".
func listName(list string, base, version uint64) string {
	if base == 0 {
		return fmt.Sprintf("list %s v%d", list, version)
	}
	return fmt.Sprintf("list %s delta v%d→v%d", list, base, version)
}

package control

import "errors"

// Sentinel errors of control; callers test with errors.Is.
var (
	// ErrRules: a config's rules that are not an agent [rules] table.
	ErrRules = errors.New("control: rules refused")
	// ErrRole: rules for another role than the device's, or a device
	// registered without a role.
	ErrRole = errors.New("control: role does not match the device")
	// ErrRevoked: a config or command for a revoked device.
	ErrRevoked = errors.New("control: device is revoked")
	// ErrKind: a command of a kind devices do not know, or a TTL out of
	// range.
	ErrKind = errors.New("control: command refused")
)

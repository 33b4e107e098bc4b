package registry

import "errors"

// Errors of reading an export. A bad row is a *RowError (see Reader.Next);
// these stop the reading.
var (
	// ErrNoTokenKey: a row has a card number (pan) and the Reader has no
	// token key to tokenize it with.
	ErrNoTokenKey = errors.New("registry: the export has card numbers (pan) but no token key was given (--token-key)")
	// ErrFormat: the export is neither CSV with a known header nor JSONL,
	// or its format was not named.
	ErrFormat = errors.New("registry: not a registry export")
)

package transcript

import (
	"errors"
	"fmt"
)

// ErrSyntax is wrapped by every error Parse returns for a malformed
// transcript; test for it with errors.Is.
var ErrSyntax = errors.New("transcript: syntax error")

// SyntaxError reports where and why a transcript is malformed.
type SyntaxError struct {
	Path string // file name, set by ParseFile; empty for Parse
	Line int    // 1-based line number
	Msg  string // what is wrong, without the position
}

// Error returns e.g. "transcript: line 7: R: line without a C: line above it".
func (e *SyntaxError) Error() string {
	if e.Path != "" {
		return fmt.Sprintf("transcript: %s: line %d: %s", e.Path, e.Line, e.Msg)
	}
	return fmt.Sprintf("transcript: line %d: %s", e.Line, e.Msg)
}

// Unwrap returns ErrSyntax.
func (e *SyntaxError) Unwrap() error { return ErrSyntax }

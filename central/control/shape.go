package control

import "fmt"

// Bounds on the shape of rules, checked before the TOML parser sees them:
// the parser takes minutes over a long dotted key or deep nesting (a
// 60 KB key of 30,000 parts: a minute), and devices parse the same text.
const (
	MaxDepth    = 8  // arrays and tables within each other
	MaxLineDots = 16 // dots outside strings and numbers on one line
)

// lexState is where a shape scan is in the TOML text.
type lexState int

const (
	inCode lexState = iota
	inComment
	inBasic   // "..."
	inLiteral // '...'
	inMultiBasic
	inMultiLiteral
)

// checkShape refuses text nested deeper than MaxDepth or with a line of
// more than MaxLineDots dots outside strings and numbers. It reads TOML
// only as far as strings and comments go; the parser does the rest.
func checkShape(text string) error {
	state, depth, dots := inCode, 0, 0
	for i := 0; i < len(text); i++ {
		c := text[i]
		switch state {
		case inCode:
			switch {
			case c == '#':
				state = inComment
			case c == '"' || c == '\'':
				state, i = openString(text, i)
			case c == '[' || c == '{':
				if depth++; depth > MaxDepth {
					return fmt.Errorf("%w: nested deeper than %d", ErrRules, MaxDepth)
				}
			case c == ']' || c == '}':
				depth = max(depth-1, 0)
			case c == '.' && !(i > 0 && digit(text[i-1]) && i+1 < len(text) && digit(text[i+1])):
				if dots++; dots > MaxLineDots {
					return fmt.Errorf("%w: a key of more than %d dotted parts", ErrRules, MaxLineDots)
				}
			case c == '\n':
				dots = 0
			}
		case inComment:
			if c == '\n' {
				state, dots = inCode, 0
			}
		default:
			state, i = inString(text, i, state)
		}
	}
	return nil
}

// openString enters the string starting at text[i] and returns the state
// and the index of its opening quote's last byte.
func openString(text string, i int) (lexState, int) {
	q := text[i]
	if i+2 < len(text) && text[i+1] == q && text[i+2] == q {
		if q == '"' {
			return inMultiBasic, i + 2
		}
		return inMultiLiteral, i + 2
	}
	if q == '"' {
		return inBasic, i
	}
	return inLiteral, i
}

// inString steps over text[i] inside a string and returns the state after
// it and the index of the last byte it consumed.
func inString(text string, i int, state lexState) (lexState, int) {
	c := text[i]
	switch state {
	case inBasic, inMultiBasic:
		if c == '\\' {
			return state, i + 1 // the escaped byte
		}
	}
	switch state {
	case inBasic:
		if c == '"' || c == '\n' {
			return inCode, i
		}
	case inLiteral:
		if c == '\'' || c == '\n' {
			return inCode, i
		}
	case inMultiBasic, inMultiLiteral:
		q := byte('"')
		if state == inMultiLiteral {
			q = '\''
		}
		if c == q && i+2 < len(text) && text[i+1] == q && text[i+2] == q {
			return inCode, i + 2
		}
	}
	return state, i
}

func digit(c byte) bool { return c >= '0' && c <= '9' }

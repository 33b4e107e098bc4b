package registry

import (
	"fmt"
	"strings"
)

// The columns of a registry export, by name. A row names its card by pan
// (tokenized at once, never kept) or by token.
const (
	colPAN = iota
	colToken
	colCategory
	colFrom
	colTo
	colBusDiscount
	colBusMonthlyLimit
	colSchool
	colRole
	colGrade
	colSchedule
	colMeals
	colStopReason
	colStopSince
	numCols
)

var colNames = [numCols]string{"pan", "token", "category", "from", "to", "bus_discount", "bus_monthly_limit",
	"school", "role", "grade", "schedule", "meals", "stop_reason", "stop_since"}

// colIndex finds a column by name; -1 if there is none.
func colIndex(name string) int {
	for i, n := range colNames {
		if n == name {
			return i
		}
	}
	return -1
}

// row is one registry line: values by column, trimmed.
type row struct {
	line int
	v    [numCols]string
}

// RowError is a bad row: it is reported and skipped, and reading goes on.
// Its message never shows a value from the row, which might be a card
// number in the wrong column.
type RowError struct {
	Line  int    // from 1; a CSV row's first line
	Token string // the row's card, when that much of it was good; else ""
	msg   string
}

func (e *RowError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.msg) }

func badRow(line int, format string, args ...any) error {
	return &RowError{Line: line, msg: fmt.Sprintf(format, args...)}
}

// shownName quotes a column or field name from a file if it looks like
// one; anything else (a card number in a header) is not shown.
func shownName(s string) string {
	if s != "" && len(s) <= 32 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz_") == "" {
		return fmt.Sprintf("%q", s)
	}
	return "(not shown: not a column name)"
}

package main

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

// rowError is a bad row: it is reported and skipped. Its message never
// shows a value from the row, which might be a card number in the wrong
// column.
type rowError struct {
	line int
	msg  string
}

func (e *rowError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func badRow(line int, format string, args ...any) error {
	return &rowError{line: line, msg: fmt.Sprintf(format, args...)}
}

// shownName quotes a column or field name from a file if it looks like
// one; anything else (a card number in a header) is not shown.
func shownName(s string) string {
	if s != "" && len(s) <= 32 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz_") == "" {
		return fmt.Sprintf("%q", s)
	}
	return "(not shown: not a column name)"
}

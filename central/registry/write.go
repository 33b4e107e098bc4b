package registry

import (
	"strconv"
	"strings"

	"karta/offline"
)

// AppendJSON appends e as one JSONL row of an export (without a newline):
// its token and its non-empty fields, in column order. Reading the row
// back gives e again.
func AppendJSON(b []byte, e *offline.Entry) []byte {
	r := rowOf(e)
	b = append(b, '{')
	for col, v := range r.v {
		if v == "" {
			continue
		}
		if b[len(b)-1] != '{' {
			b = append(b, ',')
		}
		b = append(strconv.AppendQuote(b, colNames[col]), ':')
		b = strconv.AppendQuote(b, v)
	}
	return append(b, '}')
}

// rowOf is the registry row of an entry, the inverse of converter.entry.
func rowOf(e *offline.Entry) row {
	var r row
	r.v[colToken], r.v[colCategory] = e.Token, e.Category
	r.v[colFrom], r.v[colTo] = e.From.String(), e.To.String()
	if e.Bus != nil {
		r.v[colBusDiscount] = strconv.Itoa(int(e.Bus.Discount))
		if e.Bus.MonthlyLimit != 0 {
			r.v[colBusMonthlyLimit] = strconv.Itoa(int(e.Bus.MonthlyLimit))
		}
	}
	if s := e.School; s != nil {
		r.v[colSchool], r.v[colRole], r.v[colSchedule] = s.School, s.Role, s.Schedule
		if s.Grade != 0 {
			r.v[colGrade] = strconv.Itoa(int(s.Grade))
		}
	}
	if m := e.Meals; m != nil {
		r.v[colSchool], r.v[colMeals] = m.School, strings.Join(m.Meals, ";")
	}
	if s := e.Stop; s != nil {
		r.v[colStopReason], r.v[colStopSince] = s.Reason, s.Since.String()
	}
	return r
}

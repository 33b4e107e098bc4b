package store

import (
	"database/sql"
	"strings"

	"karta/offline"
)

// entryArgs appends the column values of e, in entitlementColumns order;
// a right the entry lacks is NULL in all its columns.
func entryArgs(v []any, e *offline.Entry) []any {
	v = append(v, e.Token, e.Category, int64(e.From), int64(e.To))
	if b := e.Bus; b != nil {
		v = append(v, int64(b.Discount), int64(b.MonthlyLimit))
	} else {
		v = append(v, nil, nil)
	}
	if p := e.School; p != nil {
		v = append(v, p.School, p.Role, int64(p.Grade), p.Schedule)
	} else {
		v = append(v, nil, nil, nil, nil)
	}
	if m := e.Meals; m != nil {
		v = append(v, m.School, strings.Join(m.Meals, ","))
	} else {
		v = append(v, nil, nil)
	}
	if st := e.Stop; st != nil {
		return append(v, st.Reason, int64(st.Since))
	}
	return append(v, nil, nil)
}

// entryRow is a row of entitlements as scanned.
type entryRow struct {
	token, category                     string
	from, to                            int64
	discount, limit, grade, since       sql.NullInt64
	school, role, schedule, mealsSchool sql.NullString
	meals, stopReason                   sql.NullString
}

func scanEntry(r scanner) (*offline.Entry, error) {
	var w entryRow
	err := r.Scan(&w.token, &w.category, &w.from, &w.to, &w.discount, &w.limit,
		&w.school, &w.role, &w.grade, &w.schedule, &w.mealsSchool, &w.meals, &w.stopReason, &w.since)
	if err != nil {
		return nil, err
	}
	return w.entry(), nil
}

func (w *entryRow) entry() *offline.Entry {
	e := &offline.Entry{Token: w.token, Category: w.category, From: offline.Day(w.from), To: offline.Day(w.to)}
	if w.discount.Valid {
		e.Bus = &offline.BusRight{Discount: uint8(w.discount.Int64), MonthlyLimit: uint16(w.limit.Int64)}
	}
	if w.school.Valid {
		e.School = &offline.SchoolPass{School: w.school.String, Role: w.role.String,
			Grade: uint8(w.grade.Int64), Schedule: w.schedule.String}
	}
	if w.mealsSchool.Valid {
		e.Meals = &offline.MealRight{School: w.mealsSchool.String}
		if w.meals.String != "" {
			e.Meals.Meals = strings.Split(w.meals.String, ",")
		}
	}
	if w.stopReason.Valid {
		e.Stop = &offline.Stop{Reason: w.stopReason.String, Since: offline.Day(w.since.Int64)}
	}
	return e
}

package registry

import (
	"slices"
	"strings"

	"karta/offline"
)

// school reads the school pass (role, grade, schedule) and the meal right
// (meals), both at the row's school.
func school(r *row, e *offline.Entry) error {
	name, err := text(r, colSchool)
	if err != nil {
		return err
	}
	role, mealList := r.v[colRole], r.v[colMeals]
	switch {
	case name == "" && (role != "" || mealList != ""):
		return badRow(r.line, "role or meals without school")
	case name != "" && role == "" && mealList == "":
		return badRow(r.line, "school without role or meals")
	case role == "" && (r.v[colGrade] != "" || r.v[colSchedule] != ""):
		return badRow(r.line, "grade or schedule without role")
	}
	if role != "" {
		if e.School, err = schoolPass(r, name); err != nil {
			return err
		}
	}
	if mealList != "" {
		e.Meals, err = mealRight(r, name)
	}
	return err
}

func schoolPass(r *row, name string) (*offline.SchoolPass, error) {
	if err := oneOf(r, colRole, roles); err != nil {
		return nil, err
	}
	p := &offline.SchoolPass{School: name, Role: r.v[colRole]}
	var err error
	if p.Schedule, err = text(r, colSchedule); err != nil {
		return nil, err
	}
	switch {
	case p.Role == "student":
		grade, err := number(r, colGrade, 11)
		if err != nil || grade == 0 {
			return nil, badRow(r.line, "grade is not 1-11 for a student")
		}
		p.Grade = uint8(grade)
	case r.v[colGrade] != "":
		return nil, badRow(r.line, "grade is for students only")
	}
	return p, nil
}

func mealRight(r *row, name string) (*offline.MealRight, error) {
	m := &offline.MealRight{School: name}
	for _, meal := range strings.FieldsFunc(r.v[colMeals], func(c rune) bool { return c == ';' || c == ',' }) {
		meal = strings.TrimSpace(meal)
		switch {
		case !slices.Contains(meals, meal):
			return nil, badRow(r.line, "meals: each is one of %s", strings.Join(meals, ", "))
		case slices.Contains(m.Meals, meal):
			return nil, badRow(r.line, "meals: a meal named twice")
		}
		m.Meals = append(m.Meals, meal)
	}
	if len(m.Meals) == 0 {
		return nil, badRow(r.line, "meals: none named")
	}
	return m, nil
}

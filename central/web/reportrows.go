package web

import (
	"html/template"
	"strconv"
	"strings"

	"karta/central/store"
)

// reportRows renders a report's n rows as <tr class="row">, each of the
// cells row(i) gives, the last nums of them numbers (class="num"), every
// cell escaped. A month of meals for a region is some 10,000 rows, and
// html/template, with a reflected call per cell, spent more on them than
// the database did (BenchmarkPages, docs/BENCHMARKS.md).
func reportRows(n, nums int, row func(i int, cells []string) []string) template.HTML {
	var b strings.Builder
	cells := make([]string, 0, 8)
	for i := range n {
		cells = row(i, cells[:0])
		b.WriteString("\n<tr class=\"row\">")
		for j, c := range cells {
			if j >= len(cells)-nums {
				b.WriteString(`<td class="num">`)
			} else {
				b.WriteString("<td>")
			}
			template.HTMLEscape(&b, []byte(c))
			b.WriteString("</td>")
		}
		b.WriteString("</tr>")
	}
	return template.HTML(b.String())
}

// rideRows are a rides report's rows: month, route, category, rides,
// rubles paid.
func rideRows(rows []store.RideRow, lang string) template.HTML {
	return reportRows(len(rows), 2, func(i int, c []string) []string {
		r := rows[i]
		return append(c, r.Month, r.Route, tk(lang, "category.", r.Category), strconv.FormatInt(r.Rides, 10), rubles(r.Fare))
	})
}

// mealRows are a meals report's rows: day, school, category, meal,
// meals.
func mealRows(rows []store.MealRow, lang string) template.HTML {
	return reportRows(len(rows), 1, func(i int, c []string) []string {
		r := rows[i]
		return append(c, r.Day, r.School, tk(lang, "category.", r.Category), tk(lang, "meal.", r.Meal), strconv.FormatInt(r.Meals, 10))
	})
}

// tk translates data a device or the registry names (a role, a reason, a
// category): the catalog's word if it has one, else as is.
func tk(lang, prefix, v string) string {
	if s, err := translate(lang, prefix+v); err == nil {
		return s
	}
	return v
}

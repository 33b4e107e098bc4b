package agent

import (
	"slices"

	"karta/offline"
)

var mealNames = map[string]string{"breakfast": "Завтрак", "lunch": "Обед", "snack": "Полдник", "dinner": "Ужин"}

// canteen decides a meal: the meal being served now, if the student has
// that right at this school and has not had it today.
func (t *tapCtx) canteen() (Decision, *offline.Counters) {
	e := t.in.Entry
	switch {
	case e == nil || e.Meals == nil:
		return refuse(ReasonNoMeal), nil
	case e.Meals.School != t.c.School.School:
		return refuse(ReasonWrongSchool), nil
	case !e.ValidOn(t.day):
		return refuse(ReasonEntitlementInvalid), nil
	case t.c.holidays[t.day]:
		return refuse(ReasonHoliday), nil
	}
	meal, r := t.mealNow(e.Meals)
	if r != "" {
		return refuse(r), nil
	}
	ctr := t.counters()
	ctr.AddMeal(t.day, meal)
	ctr.LastTap = t.in.Now
	name := mealNames[meal]
	if name == "" {
		name = meal
	}
	return Decision{Allowed: true, Reason: ReasonOK, Product: "meal:" + meal,
		Lines: []string{name, "Приятного аппетита!"}}, &ctr
}

// mealNow picks the meal: the one whose window is open, or, when windows
// cannot be trusted, the first the student is entitled to and has not had.
func (t *tapCtx) mealNow(right *offline.MealRight) (string, Reason) {
	apply, refused := t.windowsApply()
	if refused {
		return "", ReasonOutsideMealWindow
	}
	for _, w := range t.c.meals {
		if apply && !w.contains(t.in.Now.Hour()*60+t.in.Now.Minute()) {
			continue
		}
		if !slices.Contains(right.Meals, w.name) {
			if apply {
				return "", ReasonNoMeal
			}
			continue
		}
		if t.in.Counters.HadMeal(t.day, w.name) {
			if apply {
				return "", ReasonMealTaken
			}
			continue
		}
		return w.name, ""
	}
	if apply {
		return "", ReasonOutsideMealWindow
	}
	return "", ReasonMealTaken
}

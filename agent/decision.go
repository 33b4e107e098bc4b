package agent

import (
	"fmt"

	"karta/hardware"
)

// Reason is a stable code saying why a tap ended as it did. Codes go to the
// journal, to central and to reports: never rename one.
type Reason string

// The reason codes.
const (
	ReasonOK                 Reason = "ok"
	ReasonRepeatTap          Reason = "repeat_tap"          // bus: already validated on this vehicle
	ReasonUnreadable         Reason = "unreadable"          // the card could not be read
	ReasonNotMir             Reason = "not_mir"             // a bank card, but not Mir
	ReasonCardExpired        Reason = "card_expired"        // the card itself has expired
	ReasonStoplisted         Reason = "stoplisted"          // lost, stolen, misuse...
	ReasonNoEntitlement      Reason = "no_entitlement"      // not on the list for this service
	ReasonEntitlementInvalid Reason = "entitlement_invalid" // rights not yet or no longer valid
	ReasonMonthlyLimit       Reason = "monthly_limit"       // bus: privileged rides used up
	ReasonWrongSchool        Reason = "wrong_school"        // pass of another school
	ReasonOutsideHours       Reason = "outside_hours"       // outside the schedule's windows
	ReasonHoliday            Reason = "holiday"             // school closed today
	ReasonAntiPassback       Reason = "antipassback"        // entered and never left
	ReasonNoMeal             Reason = "no_meal_entitlement" // not entitled to this meal
	ReasonOutsideMealWindow  Reason = "outside_meal_window" // no meal is served now
	ReasonMealTaken          Reason = "meal_taken"          // this meal already taken today
	ReasonListMissing        Reason = "list_missing"        // no list installed
	ReasonListStale          Reason = "list_stale"          // list too old and the role fails closed
	ReasonJournalFull        Reason = "journal_full"        // cannot journal: no tap without a record
	ReasonStorage            Reason = "storage_error"       // the disk refused the tap
)

// Flags mark taps that central should look at twice.
const (
	FlagStaleList     = "stale-list"
	FlagClockUnsynced = "clock-unsynced"
	FlagPinned        = "pinned"         // allowed as pinned staff despite the policy
	FlagWindowSkipped = "window-skipped" // time windows not applied: clock unsynced
)

// Decision is how a tap ends.
type Decision struct {
	Allowed bool
	Reason  Reason
	Product string   // "bus:free", "bus:discount-50", "bus:full", "entry:in", "meal:lunch"
	Fare    int      // kopecks the person pays (bus)
	Lines   []string // what the display shows, in Russian
	Flags   []string
}

// Signal is what the hardware does for a decision.
type Signal struct {
	Color hardware.Color
	Tone  hardware.Tone
	Gate  bool // pulse the gate relay
}

// Signal maps the decision to lights, tone and gate: green for allowed,
// amber for "pay the full fare" and for flagged passes, red for refusals.
func (d Decision) Signal(gateRole bool) Signal {
	switch {
	case d.Allowed && len(d.Flags) > 0:
		return Signal{Color: hardware.Amber, Tone: hardware.ToneOK, Gate: gateRole}
	case d.Allowed:
		return Signal{Color: hardware.Green, Tone: hardware.ToneOK, Gate: gateRole}
	case d.Product == ProductBusFull:
		return Signal{Color: hardware.Amber, Tone: hardware.ToneDeny}
	case d.Reason == ReasonJournalFull || d.Reason == ReasonStorage:
		return Signal{Color: hardware.Red, Tone: hardware.ToneAlarm}
	}
	return Signal{Color: hardware.Red, Tone: hardware.ToneDeny}
}

// ProductBusFull is a ride at the full fare, handed to the payment step.
const ProductBusFull = "bus:full"

func rubles(kopecks int) string {
	return fmt.Sprintf("%d,%02d ₽", kopecks/100, kopecks%100)
}

func deny(r Reason, lines ...string) Decision {
	return Decision{Reason: r, Lines: lines}
}

// messages is what a person reads for each refusal, where the role does not
// say more.
var messages = map[Reason][]string{
	ReasonUnreadable:         {"Карта не прочитана", "Приложите ещё раз"},
	ReasonNotMir:             {"Это не карта «Мир»", "Льготы только по «Миру»"},
	ReasonCardExpired:        {"Срок карты истёк", "Замените карту в банке"},
	ReasonStoplisted:         {"Карта заблокирована", "Обратитесь в МФЦ"},
	ReasonNoEntitlement:      {"Нет льготы", "Обратитесь в МФЦ"},
	ReasonEntitlementInvalid: {"Льгота не действует", "Проверьте сроки в МФЦ"},
	ReasonWrongSchool:        {"Нет доступа", "Пропуск другой школы"},
	ReasonOutsideHours:       {"Вход закрыт", "Вне расписания"},
	ReasonHoliday:            {"Школа закрыта", "Выходной день"},
	ReasonAntiPassback:       {"Повторный вход", "Сначала выйдите"},
	ReasonNoMeal:             {"Нет права на питание", "Обратитесь к классному руководителю"},
	ReasonOutsideMealWindow:  {"Сейчас нет питания", "Смотрите расписание"},
	ReasonMealTaken:          {"Уже получено сегодня", "Приходите завтра"},
	ReasonListMissing:        {"Нет списка льгот", "Вызовите техника"},
	ReasonListStale:          {"Список устарел", "Вызовите техника"},
	ReasonJournalFull:        {"Ошибка устройства", "Память заполнена"},
	ReasonStorage:            {"Ошибка устройства", "Сбой записи"},
}

func refuse(r Reason) Decision { return deny(r, messages[r]...) }

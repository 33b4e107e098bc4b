package agent

import (
	"fmt"

	"karta/offline"
)

// bus decides a privileged fare: the right must exist and be valid today;
// a repeat tap on this vehicle within the window counts once; the monthly
// limit caps privileged rides. Anything else pays the full fare.
func (t *tapCtx) bus() (Decision, *offline.Counters) {
	e := t.in.Entry
	switch {
	case e == nil || e.Bus == nil:
		return t.fullFare(ReasonNoEntitlement), nil
	case !e.ValidOn(t.day):
		return t.fullFare(ReasonEntitlementInvalid), nil
	}
	ctr := t.counters()
	if last := ctr.LastTap; !last.IsZero() && t.in.Now.Sub(last) < t.c.Bus.RepeatWindow.Duration && !t.in.Now.Before(last) {
		return Decision{Allowed: true, Reason: ReasonRepeatTap, Product: "bus:repeat",
			Lines: []string{"Проезд уже оплачен", "Хорошей поездки"}}, nil
	}
	month := offline.MonthOf(t.in.Now)
	if lim := int(e.Bus.MonthlyLimit); lim > 0 && ctr.RidesIn(month) >= lim {
		return t.fullFare(ReasonMonthlyLimit), nil
	}
	ctr.AddRide(month)
	ctr.LastTap = t.in.Now
	return t.privileged(e.Bus.Discount), &ctr
}

func (t *tapCtx) privileged(discount uint8) Decision {
	fare := t.c.Bus.FullFare * (100 - int(min(discount, 100))) / 100
	if fare == 0 {
		return Decision{Allowed: true, Reason: ReasonOK, Product: "bus:free",
			Lines: []string{"Льготный проезд", "Бесплатно"}}
	}
	return Decision{Allowed: true, Reason: ReasonOK, Product: fmt.Sprintf("bus:discount-%d", discount), Fare: fare,
		Lines: []string{fmt.Sprintf("Льгота %d%%", discount), "К оплате " + rubles(fare)}}
}

// fullFare hands the ride to the payment step at the full fare.
func (t *tapCtx) fullFare(r Reason) Decision {
	first := map[Reason]string{
		ReasonNotMir:             "Оплата по тарифу",
		ReasonMonthlyLimit:       "Лимит льготы исчерпан",
		ReasonEntitlementInvalid: "Льгота не действует",
		ReasonListMissing:        "Льготы недоступны",
	}[r]
	if first == "" {
		first = "Полный тариф"
	}
	return Decision{Reason: r, Product: ProductBusFull, Fare: t.c.Bus.FullFare,
		Lines: []string{first, "К оплате " + rubles(t.c.Bus.FullFare)}}
}

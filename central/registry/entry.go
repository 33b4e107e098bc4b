package registry

import (
	"errors"

	"karta/offline"
	"karta/offline/token"
)

const maxText = 64 // the longest category, school, role, schedule or reason

var (
	roles = []string{"student", "staff"}
	meals = []string{"breakfast", "lunch", "snack"}
)

// converter turns registry rows into entries: it tokenizes card numbers
// with key and remembers which line each card was on.
type converter struct {
	key  *token.Key // nil: rows must carry tokens
	seen map[string]int
}

func newConverter(key *token.Key) *converter {
	return &converter{key: key, seen: map[string]int{}}
}

// entry converts r. A bad row gives a *RowError, which names the card's
// token once the card is known; ErrNoTokenKey is fatal.
func (c *converter) entry(r *row) (*offline.Entry, error) {
	tok, err := c.cardToken(r)
	if err != nil {
		return nil, err
	}
	e, err := c.fields(r, tok)
	var re *RowError
	if errors.As(err, &re) {
		re.Token = tok
	}
	return e, err
}

func (c *converter) fields(r *row, tok string) (*offline.Entry, error) {
	e := &offline.Entry{Token: tok}
	for _, part := range []func(*row, *offline.Entry) error{basics, bus, school, stop, grantsSomething} {
		if err := part(r, e); err != nil {
			return nil, err
		}
	}
	if first, dup := c.seen[tok]; dup {
		return nil, badRow(r.line, "same card as line %d", first)
	}
	c.seen[tok] = r.line
	return e, nil
}

// cardToken tokenizes the pan, or checks the token. The pan is not kept:
// the only copy made is wiped.
func (c *converter) cardToken(r *row) (string, error) {
	pan, tok := r.v[colPAN], r.v[colToken]
	switch {
	case pan != "" && tok != "":
		return "", badRow(r.line, "both pan and token: give one")
	case tok != "":
		if _, err := token.KeyID(tok); err != nil {
			return "", badRow(r.line, "token is not a karta token (KEYID.20 base64url characters)")
		}
		return tok, nil
	case pan == "":
		return "", badRow(r.line, "neither pan nor token")
	case !ValidPAN(pan):
		return "", badRow(r.line, "pan is not 12-19 digits with a valid check digit")
	case c.key == nil:
		return "", ErrNoTokenKey
	}
	b := []byte(pan)
	defer clear(b)
	return c.key.PANToken(b), nil
}

// basics reads the category and the validity dates.
func basics(r *row, e *offline.Entry) error {
	var err error
	if e.Category, err = text(r, colCategory); err != nil {
		return err
	}
	if e.From, err = day(r, colFrom); err != nil {
		return err
	}
	if e.To, err = day(r, colTo); err != nil {
		return err
	}
	if e.From != 0 && e.To != 0 && e.From > e.To {
		return badRow(r.line, "from is after to")
	}
	return nil
}

// bus reads the privileged fare, if the row has a bus_discount.
func bus(r *row, e *offline.Entry) error {
	if r.v[colBusDiscount] == "" {
		if r.v[colBusMonthlyLimit] != "" {
			return badRow(r.line, "bus_monthly_limit without bus_discount")
		}
		return nil
	}
	d, err := number(r, colBusDiscount, 100)
	if err != nil {
		return err
	}
	e.Bus = &offline.BusRight{Discount: uint8(d)}
	if r.v[colBusMonthlyLimit] != "" {
		limit, err := number(r, colBusMonthlyLimit, 65535)
		e.Bus.MonthlyLimit = uint16(limit)
		return err
	}
	return nil
}

// stop reads the stop, if the row has a stop_reason.
func stop(r *row, e *offline.Entry) error {
	if r.v[colStopReason] == "" {
		if r.v[colStopSince] != "" {
			return badRow(r.line, "stop_since without stop_reason")
		}
		return nil
	}
	reason, err := text(r, colStopReason)
	if err != nil {
		return err
	}
	since, err := day(r, colStopSince)
	e.Stop = &offline.Stop{Reason: reason, Since: since}
	return err
}

// grantsSomething refuses a row that would make an empty entry: most
// likely a column name misspelt or a value in the wrong column.
func grantsSomething(r *row, e *offline.Entry) error {
	if e.Bus == nil && e.School == nil && e.Meals == nil && e.Stop == nil {
		return badRow(r.line, "grants nothing and stops nothing: no bus_discount, role, meals or stop_reason")
	}
	return nil
}

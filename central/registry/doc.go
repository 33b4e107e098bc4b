// Package registry reads the exports of the resident-card registry: who is
// entitled to what, one row per card, as CSV with a header row or as JSONL
// (one object a line). karta list build and karta-central import both read
// them through a Reader, which turns each row into an offline.Entry.
//
// # Columns
//
// A row names its card by pan (the card number) or by token, never both:
//
//	pan, token                      the card
//	category, from, to              who, and the validity (YYYY-MM-DD; empty: open)
//	bus_discount, bus_monthly_limit a privileged fare: percent off, rides a month (0: no limit)
//	school, role, grade, schedule   a school pass: student (grade 1-11) or staff
//	school, meals                   meals at that school: breakfast;lunch;snack
//	stop_reason, stop_since         a stopped card (lost, misuse)
//
// A row must grant or stop something. In JSONL a value may be a string, a
// number (kept as written) or, for meals, a list of strings; empty values
// and null are "not set".
//
// # Card numbers
//
// A pan is tokenized the moment its row is read (offline/token, keyed
// HMAC) and dropped: the Entry carries the token only, and the only copy
// of the pan's bytes is wiped. Without a token key a row with a pan stops
// the reading (ErrNoTokenKey).
//
// # Caveats
//
//   - A bad row is a *RowError: it says the line and why, never a value
//     from the row (a card number may sit in the wrong column); reading
//     goes on. RowError.Token names the row's card when the card itself
//     was good, so an importer may keep what that card had.
//   - A card that appears twice in one export is a bad row the second
//     time; the first stands.
//   - A JSONL line that starts with StateHeader is skipped: a karta list
//     state file reads as an export of tokens.
//   - A Reader remembers every card it has seen (for the repeat check):
//     about 100 bytes a row.
package registry

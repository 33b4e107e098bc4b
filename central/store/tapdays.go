package store

import (
	"context"
	"database/sql"
	"slices"
	"strings"
	"time"

	"karta/offline"
)

// ReportZone is the zone whose days tap_days counts, and so the only zone
// reports are made in: Kaliningrad, UTC+2 all year since 2014.
var ReportZone = time.FixedZone("Europe/Kaliningrad", reportOffset)

const (
	reportOffset = 2 * 3600 // seconds east of UTC
	dayUS        = int64(24 * time.Hour / time.Microsecond)
)

// reportDay is the day number tap_days files a device time under: days
// since 1970-01-01 in ReportZone.
func reportDay(t time.Time) int64 { return (us(t) + reportOffset*1e6) / dayUS }

// dayTime is the midnight that starts report day n, in ReportZone.
func dayTime(n int64) time.Time { return time.UnixMicro(n*dayUS - reportOffset*1e6).In(ReportZone) }

// counted reports whether a report counts tap: an allowed privileged bus
// ride or meal.
func counted(t *offline.Tap) bool {
	return t.Allowed && (t.Product == productFree || strings.HasPrefix(t.Product, productDiscount) ||
		strings.HasPrefix(t.Product, productMeal))
}

// dayKey is a row of tap_days.
type dayKey struct {
	day                       int64
	device, product, category string
}

type dayCount struct{ taps, fare int64 }

// dayCounts adds up a round's new counted taps for tap_days.
type dayCounts map[dayKey]*dayCount

// addNew counts the taps of b whose seqs are in fresh (the ones this
// round stored), each seq once, with the category each card has now.
func (c dayCounts) addNew(b *DeviceBatch, fresh map[uint64]bool, cats map[string]string) {
	for i := range b.Taps {
		t := &b.Taps[i]
		if !fresh[t.Seq] || !counted(t) {
			continue
		}
		delete(fresh, t.Seq)
		k := dayKey{reportDay(t.Time), b.Device, t.Product, cats[t.Token]}
		if c[k] == nil {
			c[k] = &dayCount{}
		}
		c[k].taps++
		c[k].fare += int64(t.Fare)
	}
}

// sorted returns the keys in one order for every instance, so that two
// rounds on PostgreSQL lock tap_days rows alike and do not deadlock.
func (c dayCounts) sorted() []dayKey {
	ks := make([]dayKey, 0, len(c))
	for k := range c {
		ks = append(ks, k)
	}
	slices.SortFunc(ks, func(a, b dayKey) int {
		if a.day != b.day {
			return int(a.day - b.day)
		}
		return strings.Compare(a.device+"\x00"+a.product+"\x00"+a.category, b.device+"\x00"+b.product+"\x00"+b.category)
	})
	return ks
}

// addDays adds counts to tap_days, in the round's transaction.
func (s *Store) addDays(ctx context.Context, tx *sql.Tx, c dayCounts) error {
	const cols = 6
	ks := c.sorted()
	for rest := ks; len(rest) > 0; {
		n := min(len(rest), maxTapRows)
		st, err := s.prepared(ctx, tx, s.valuesSQL("INSERT INTO tap_days (day, device, product, category, taps, fare)", n, cols)+
			" ON CONFLICT (day, device, product, category) DO UPDATE SET"+
			" taps = tap_days.taps + excluded.taps, fare = tap_days.fare + excluded.fare")
		if err != nil {
			return err
		}
		v := make([]any, 0, n*cols)
		for _, k := range rest[:n] {
			v = append(v, k.day, k.device, k.product, k.category, c[k].taps, c[k].fare)
		}
		if _, err := st.ExecContext(ctx, v...); err != nil {
			return err
		}
		rest = rest[n:]
	}
	return nil
}

// categories returns the registry's category of each token of the counted
// taps among bs (tokens not in the registry are left out).
func (s *Store) categories(ctx context.Context, tx *sql.Tx, bs []DeviceBatch) (map[string]string, error) {
	seen := map[string]bool{}
	var tokens []string
	for i := range bs {
		for j := range bs[i].Taps {
			t := &bs[i].Taps[j]
			if counted(t) && t.Token != "" && !seen[t.Token] {
				seen[t.Token] = true
				tokens = append(tokens, t.Token)
			}
		}
	}
	cats := make(map[string]string, len(tokens))
	for rest := tokens; len(rest) > 0; {
		n := min(len(rest), maxCategoryTokens)
		if err := s.categoriesOf(ctx, tx, rest[:n], cats); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	return cats, nil
}

// maxCategoryTokens is the most tokens one look-up names.
const maxCategoryTokens = 5000

func (s *Store) categoriesOf(ctx context.Context, tx *sql.Tx, tokens []string, into map[string]string) error {
	var rows *sql.Rows
	var err error
	if s.d.arrays {
		rows, err = tx.QueryContext(ctx, `SELECT token, category FROM entitlements WHERE token = ANY($1::text[])`, tokens)
	} else {
		a := &args{d: s.d}
		rows, err = tx.QueryContext(ctx, `SELECT token, category FROM entitlements WHERE token `+a.in(tokens), a.list...)
	}
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var tok, cat string
		if err := rows.Scan(&tok, &cat); err != nil {
			return err
		}
		into[tok] = cat
	}
	return rows.Err()
}

// rebuildDaysSQL counts tap_days from the taps (migration 0005 does the
// same).
const rebuildDaysSQL = `INSERT INTO tap_days (day, device, product, category, taps, fare)
SELECT (t.at_us + 7200000000) / 86400000000, t.device, t.product, COALESCE(e.category, ''), COUNT(*), SUM(t.fare)
FROM taps t LEFT JOIN entitlements e ON e.token = t.token
WHERE t.allowed = ? AND (t.product = ? OR t.product LIKE ? OR t.product LIKE ?)
GROUP BY (t.at_us + 7200000000) / 86400000000, t.device, t.product, COALESCE(e.category, '')`

// RebuildTapDays counts the report table again from the stored taps, with
// each card's category as the registry says now: after taps were loaded
// behind the store's back (a bulk load, a restore of the taps alone), or
// to report a registry correction backwards. It reads every tap once, in
// one transaction that holds up ingest meanwhile (about a minute for 10
// million taps).
func (s *Store) RebuildTapDays(ctx context.Context) error {
	err := s.update(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM tap_days`); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, s.d.rebind(rebuildDaysSQL), true, productFree, productDiscount+"%", productMeal+"%")
		return err
	})
	return wrap(err, "rebuild tap days")
}

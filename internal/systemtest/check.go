package systemtest

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"testing"
	"time"

	"karta/central/store/storetest"
)

// DB is central's database opened beside central, for the verdict and for
// watching progress while central runs.
type DB struct {
	t  testing.TB
	db *sql.DB
}

// OpenDB opens central's database (a SQLite path or a postgres:// DSN);
// it is closed when the test ends.
func OpenDB(t testing.TB, dsn string) *DB {
	return &DB{t: t, db: storetest.SQL(t, dsn)}
}

var deviceID = regexp.MustCompile(`^[a-z0-9-]+$`)

// stored is one row of central's taps table.
type stored struct {
	seq  uint64
	boot uint32
}

// taps returns the device's stored taps in seq order, duplicates
// included should the database have any.
func (d *DB) taps(device string) ([]stored, error) {
	if !deviceID.MatchString(device) {
		return nil, fmt.Errorf("systemtest: device id %q", device)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	rows, err := d.db.QueryContext(ctx, `SELECT seq, boot FROM taps WHERE device = '`+device+`' ORDER BY seq`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ts []stored
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.seq, &s.boot); err != nil {
			return nil, err
		}
		ts = append(ts, s)
	}
	return ts, rows.Err()
}

// Count is how many taps central has stored, of all devices.
func (d *DB) Count() (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var n int
	err := d.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM taps`).Scan(&n)
	return n, err
}

// HighSeq is the highest seq central has stored of device, 0 if none.
func (d *DB) HighSeq(device string) (uint64, error) {
	if !deviceID.MatchString(device) {
		return 0, fmt.Errorf("systemtest: device id %q", device)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var high uint64
	err := d.db.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM taps WHERE device = '`+device+`'`).Scan(&high)
	return high, err
}

// ExactlyOnce is the verdict on stopped agents: each journal is drained
// and intact, and central's database holds each seq the journal ever
// numbered (1 to its next seq - 1) exactly once, under the boot the agent
// logged for it; no seq was logged by two runs.
func ExactlyOnce(t testing.TB, db *DB, agents ...*Agent) {
	t.Helper()
	for _, a := range agents {
		js := a.Journal()
		if js.Backlog != 0 {
			t.Errorf("%s: backlog %d after recovery", a.ID, js.Backlog)
		}
		ts, err := db.taps(a.ID)
		if err != nil {
			t.Fatalf("%s: central's taps: %v", a.ID, err)
		}
		a.mu.Lock()
		checkStored(t, a.ID, ts, js.NextSeq-1, a.logged)
		if len(a.reused) > 0 || a.failures > 0 {
			t.Errorf("%s: seqs used twice: %v; taps not journaled: %d", a.ID, a.reused, a.failures)
		}
		t.Logf("%s: %d taps journaled, all at central once (%d logged before kills and stops)", a.ID, js.NextSeq-1, len(a.logged))
		a.mu.Unlock()
	}
}

// checkStored checks ts is exactly seqs 1..last, each under its logged
// boot.
func checkStored(t testing.TB, device string, ts []stored, last uint64, logged map[uint64]uint32) {
	t.Helper()
	var problems []string
	want := uint64(1)
	for _, s := range ts {
		switch {
		case s.seq < want:
			problems = append(problems, fmt.Sprintf("seq %d stored twice", s.seq))
			continue
		case s.seq > want:
			problems = append(problems, fmt.Sprintf("seqs %d-%d missing", want, s.seq-1))
		}
		if boot, ok := logged[s.seq]; ok && boot != s.boot {
			problems = append(problems, fmt.Sprintf("seq %d stored from boot %d, journaled by boot %d", s.seq, s.boot, boot))
		}
		want = s.seq + 1
	}
	if want <= last {
		problems = append(problems, fmt.Sprintf("seqs %d-%d missing", want, last))
	}
	if want > last+1 {
		problems = append(problems, fmt.Sprintf("seqs %d-%d stored and never journaled", last+1, want-1))
	}
	for seq := range logged {
		if seq > last {
			problems = append(problems, fmt.Sprintf("seq %d logged, beyond the journal's last %d", seq, last))
		}
	}
	if len(problems) > 0 {
		if len(problems) > 20 {
			problems = append(problems[:20], fmt.Sprintf("and %d more", len(problems)-20))
		}
		t.Errorf("%s: central's taps are not seqs 1-%d exactly once: %v", device, last, problems)
	}
}

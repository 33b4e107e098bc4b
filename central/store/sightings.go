package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	tapsync "karta/sync"
)

// MissingSeqs counts the seqs from..to (inclusive) of device that are not
// stored: what a suspected gap still lacks.
func (s *Store) MissingSeqs(ctx context.Context, device string, from, to uint64) (uint64, error) {
	if from == 0 || to < from || to > 1<<63-1 {
		return 0, fmt.Errorf("%w: seqs %d..%d", ErrInvalid, from, to)
	}
	var n int64
	err := s.db.QueryRowContext(ctx, s.d.rebind(`SELECT COUNT(*) FROM taps WHERE device = ? AND seq >= ? AND seq <= ?`),
		device, int64(from), int64(to)).Scan(&n)
	return to - from + 1 - uint64(n), wrap(err, "missing seqs of %s", device)
}

// CardProbe asks for a card's taps on devices other than Device with a
// device time within From..To (inclusive).
type CardProbe struct {
	Token, Device string
	From, To      time.Time
}

// Sighting is a stored tap a CardProbe found: on which device, in which
// role and school (from the registry, "" if unknown), when; and the
// school of the probe's own device.
type Sighting struct {
	Probe               int // index into the probes
	Device, Role        string
	School, ProbeSchool string
	At                  time.Time
}

// maxProbes is the most probes one statement carries (5 arguments each).
const maxProbes = 1000

// CardSightings runs probes, many to a statement, each an indexed range
// of the card history (token, time). Order is unspecified.
func (s *Store) CardSightings(ctx context.Context, probes []CardProbe) ([]Sighting, error) {
	var out []Sighting
	for start := 0; start < len(probes); start += maxProbes {
		part := probes[start:min(start+maxProbes, len(probes))]
		if err := checkProbes(part); err != nil {
			return nil, err
		}
		q, list := s.sightingsQuery(start, part)
		rows, err := s.db.QueryContext(ctx, q, list...)
		ss, err := collect(rows, err, scanSighting)
		if err != nil {
			return nil, wrap(err, "card sightings")
		}
		out = append(out, ss...)
	}
	return out, nil
}

func checkProbes(ps []CardProbe) error {
	for _, p := range ps {
		if p.Token == "" || !validToken(p.Token) || !tapsync.ValidDeviceID(p.Device) || p.To.Before(p.From) {
			return fmt.Errorf("%w: card probe on %q", ErrInvalid, p.Device)
		}
	}
	return nil
}

// sightingsArraysSQL is PostgreSQL's: the probes as arrays, and one index
// range scan per probe (LATERAL), whatever the planner thinks of a join.
const sightingsArraysSQL = `SELECT q.i, t.device, t.role, COALESCE(d.school, ''), COALESCE(pd.school, ''), t.at_us
FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) AS q(i, token, device, lo, hi)
CROSS JOIN LATERAL (SELECT device, role, at_us FROM taps
	WHERE taps.token = q.token AND taps.at_us >= q.lo AND taps.at_us <= q.hi AND taps.device <> q.device) t
LEFT JOIN devices d ON d.id = t.device LEFT JOIN devices pd ON pd.id = q.device`

// sightingsQuery is the statement and arguments of a part of the probes,
// the first of which is number start.
func (s *Store) sightingsQuery(start int, ps []CardProbe) (string, []any) {
	if !s.d.arrays {
		a := &args{d: s.d}
		return sightingsSQL(a, start, ps), a.list
	}
	is, los, his := make([]int64, len(ps)), make([]int64, len(ps)), make([]int64, len(ps))
	tokens, devices := make([]string, len(ps)), make([]string, len(ps))
	for i, p := range ps {
		is[i], tokens[i], devices[i], los[i], his[i] = int64(start+i), p.Token, p.Device, us(p.From), us(p.To)
	}
	return sightingsArraysSQL, []any{is, tokens, devices, los, his}
}

// sightingsSQL is SQLite's: the probes as a VALUES table; SQLite's planner
// looks each one up in the (token, time) index.
func sightingsSQL(a *args, start int, ps []CardProbe) string {
	vs := make([]string, len(ps))
	for i, p := range ps {
		vs[i] = fmt.Sprintf("(CAST(%s AS BIGINT), %s, %s, CAST(%s AS BIGINT), CAST(%s AS BIGINT))",
			a.add(start+i), a.add(p.Token), a.add(p.Device), a.add(us(p.From)), a.add(us(p.To)))
	}
	return "WITH q(i, token, device, lo, hi) AS (VALUES " + strings.Join(vs, ", ") + ")" +
		" SELECT q.i, t.device, t.role, COALESCE(d.school, ''), COALESCE(pd.school, ''), t.at_us FROM q" +
		" JOIN taps t ON t.token = q.token AND t.at_us >= q.lo AND t.at_us <= q.hi AND t.device <> q.device" +
		" LEFT JOIN devices d ON d.id = t.device LEFT JOIN devices pd ON pd.id = q.device"
}

func scanSighting(r scanner) (Sighting, error) {
	var s Sighting
	var i, at int64
	err := r.Scan(&i, &s.Device, &s.Role, &s.School, &s.ProbeSchool, &at)
	s.Probe, s.At = int(i), fromUS(at)
	return s, err
}

// RevokedDevices lists the revoked devices of the registry, by id.
func (s *Store) RevokedDevices(ctx context.Context) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, s.d.rebind(`SELECT id FROM devices WHERE revoked = ? ORDER BY id`), true)
	ids, err := collect(rows, err, func(r scanner) (id string, err error) {
		err = r.Scan(&id)
		return id, err
	})
	return ids, wrap(err, "revoked devices")
}

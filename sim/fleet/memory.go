package fleet

import (
	"fmt"
	"sort"
	"sync"

	"karta/offline"
)

// Memory is a journal in memory with the contract of offline.Journal as
// the link sees it: taps numbered from 1, kept until acked, acks in any
// order and repeated. It holds no counters and survives nothing: it is
// for fleets of thousands of simulated devices. It is safe for concurrent
// use.
type Memory struct {
	mu      sync.Mutex
	taps    []memTap // seq order; acked taps stay until compacted
	head    int      // taps[:head] are all acked
	next    uint64
	backlog int
	max     int
}

type memTap struct {
	tap   offline.Tap
	acked bool
}

// NewMemory returns an empty journal that holds at most max unacked taps
// (0: 500,000, offline.Journal's default).
func NewMemory(max int) *Memory {
	if max == 0 {
		max = 500_000
	}
	return &Memory{next: 1, max: max}
}

// Append numbers t with the next seq and keeps a copy; a full journal
// refuses with offline.ErrJournalFull.
func (m *Memory) Append(t *offline.Tap) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.backlog >= m.max {
		return fmt.Errorf("fleet: %w: %d of %d", offline.ErrJournalFull, m.backlog, m.max)
	}
	t.Seq = m.next
	m.next++
	m.backlog++
	m.taps = append(m.taps, memTap{tap: *t})
	return nil
}

// Range returns up to max unacked taps with seq ≥ from, in seq order.
func (m *Memory) Range(from uint64, max int) ([]offline.Tap, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []offline.Tap
	for i := m.find(from); i < len(m.taps) && len(out) < max; i++ {
		if !m.taps[i].acked {
			out = append(out, m.taps[i].tap)
		}
	}
	return out, nil
}

// Ack drops the taps with seq in [from, to] and returns how many it
// dropped.
func (m *Memory) Ack(from, to uint64) (int, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for i := m.find(from); i < len(m.taps) && m.taps[i].tap.Seq <= to; i++ {
		if !m.taps[i].acked {
			m.taps[i].acked = true
			n++
		}
	}
	m.backlog -= n
	m.compact()
	return n, nil
}

// Backlog is how many taps wait for their ack.
func (m *Memory) Backlog() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.backlog
}

// Close does nothing: a Memory lives as long as it is referenced.
func (m *Memory) Close() error { return nil }

// find is the index of the first tap at or after head with seq ≥ from.
func (m *Memory) find(from uint64) int {
	rest := m.taps[m.head:]
	return m.head + sort.Search(len(rest), func(i int) bool { return rest[i].tap.Seq >= from })
}

// compact moves head past the acked prefix and, when that prefix is most
// of the slice, copies the rest down so memory follows the backlog.
func (m *Memory) compact() {
	for m.head < len(m.taps) && m.taps[m.head].acked {
		m.head++
	}
	if m.head >= 1024 && m.head*2 >= len(m.taps) {
		m.taps = append([]memTap(nil), m.taps[m.head:]...)
		m.head = 0
	}
}

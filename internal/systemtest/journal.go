package systemtest

import (
	"bufio"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"karta/offline"
)

// Backlog asks the running agent's metrics endpoint how many taps wait
// for central's ack.
func (a *Agent) Backlog() (int, error) {
	c := http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + a.metrics + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "karta_journal_backlog "); ok {
			f, err := strconv.ParseFloat(v, 64)
			return int(f), err
		}
	}
	return 0, fmt.Errorf("systemtest: %s: no karta_journal_backlog in its metrics (%v)", a.ID, sc.Err())
}

// WaitDrained waits until every agent's journal is drained: all its taps
// acked by central.
func WaitDrained(t testing.TB, within time.Duration, agents ...*Agent) {
	t.Helper()
	Wait(t, within, func() (bool, string) {
		var left []string
		for _, a := range agents {
			if n, err := a.Backlog(); err != nil || n > 0 {
				left = append(left, fmt.Sprintf("%s: backlog %d %v", a.ID, n, err))
			}
		}
		return len(left) == 0, "journals not drained: " + strings.Join(left, "; ")
	})
}

// Journal reads the stopped agent's journal: its stats, after checking
// its integrity.
func (a *Agent) Journal() offline.JournalStats {
	a.t.Helper()
	j, err := offline.OpenJournal(filepath.Join(a.dir, "data", "journal.db"), offline.JournalOptions{ReadOnly: true})
	if err != nil {
		a.t.Fatalf("%s: %v", a.ID, err)
	}
	defer j.Close()
	if err := j.Check(); err != nil {
		a.t.Errorf("%s: journal check: %v", a.ID, err)
	}
	return j.Stats()
}

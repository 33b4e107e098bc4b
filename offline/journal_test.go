package offline_test

import (
	"errors"
	"path/filepath"
	"testing"
	"time"

	"karta/offline"
	"karta/offline/offlinetest"
)

func tap(token string) *offline.Tap {
	return &offline.Tap{Time: t0, Clock: "synced", Role: "bus", Token: token, Allowed: true, Reason: "ok", Product: "bus:free"}
}

func TestJournalSeqAndAcks(t *testing.T) {
	j := offlinetest.Journal(t, offline.JournalOptions{Now: clock()})
	for i := 1; i <= 5; i++ {
		seq, err := j.Append(tap(offlinetest.Token(i)), offlinetest.Token(i), nil)
		if err != nil || seq != uint64(i) {
			t.Fatalf("Append #%d = %d, %v", i, seq, err)
		}
	}
	if n, err := j.Ack(2, 3); n != 2 || err != nil {
		t.Fatalf("Ack(2,3) = %d, %v", n, err)
	}
	if n, _ := j.Ack(2, 3); n != 0 {
		t.Errorf("a repeated ack dropped %d more", n)
	}
	got, err := j.Range(1, 10)
	if err != nil || len(got) != 3 || got[0].Seq != 1 || got[1].Seq != 4 || got[2].Seq != 5 {
		t.Fatalf("Range = %+v, %v; want seqs 1, 4, 5", got, err)
	}
	if got[1].Token != offlinetest.Token(4) || got[1].Boot != 1 || !got[1].Time.Equal(t0) {
		t.Errorf("tap 4 = %+v", got[1])
	}
	if st := j.Stats(); st.Backlog != 3 || st.NextSeq != 6 {
		t.Errorf("stats %+v", st)
	}
}

func TestJournalReopenKeepsSeqAndCounters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, err := offline.OpenJournal(path, offline.JournalOptions{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	c := offline.Counters{LastTap: t0}
	c.AddRide(offline.MonthOf(t0))
	if _, err := j.Append(tap("k1.a"), "k1.a", &c); err != nil {
		t.Fatal(err)
	}
	j.Ack(1, 1)
	j.Close()
	j, err = offline.OpenJournal(path, offline.JournalOptions{Now: clock()})
	if err != nil {
		t.Fatal(err)
	}
	defer j.Close()
	seq, err := j.Append(tap("k1.a"), "k1.a", nil)
	if err != nil || seq != 2 || j.Boot() != 2 {
		t.Errorf("after reopen: seq %d boot %d, %v; want seq 2 (never reused) and boot 2", seq, j.Boot(), err)
	}
	if got := j.Counters("k1.a").RidesIn(offline.MonthOf(t0)); got != 1 {
		t.Errorf("rides after reopen = %d, want 1", got)
	}
}

func TestJournalDropsStaleCounters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "journal.db")
	j, _ := offline.OpenJournal(path, offline.JournalOptions{Now: clock()})
	j.Append(tap("k1.old"), "k1.old", &offline.Counters{LastTap: t0.Add(-90 * 24 * time.Hour)})
	j.Append(tap("k1.new"), "k1.new", &offline.Counters{LastTap: t0.Add(-time.Hour)})
	j.Close()
	j, _ = offline.OpenJournal(path, offline.JournalOptions{Now: clock()})
	defer j.Close()
	if !j.Counters("k1.old").LastTap.IsZero() || j.Counters("k1.new").LastTap.IsZero() {
		t.Error("want the 90-day-old counters dropped and the fresh ones kept")
	}
}

// TestJournalFull: at capacity a tap is refused, no seq is used, nothing is
// overwritten; the alarm rises at 80 %.
func TestJournalFull(t *testing.T) {
	j := offlinetest.Journal(t, offline.JournalOptions{MaxTaps: 5, Now: clock()})
	for i := 1; i <= 5; i++ {
		if _, err := j.Append(tap("k1.x"), "k1.x", nil); err != nil {
			t.Fatal(err)
		}
		if want := i >= 4; j.Stats().Alarm != want {
			t.Errorf("after %d of 5: alarm %v", i, !want)
		}
	}
	if seq, err := j.Append(tap("k1.x"), "k1.x", nil); !errors.Is(err, offline.ErrJournalFull) || seq != 0 {
		t.Fatalf("Append on a full journal = %d, %v", seq, err)
	}
	j.Ack(1, 2)
	if seq, err := j.Append(tap("k1.x"), "k1.x", nil); err != nil || seq != 6 {
		t.Errorf("after an ack: %d, %v; want seq 6", seq, err)
	}
	taps, _ := j.Range(0, 100)
	if len(taps) != 4 || taps[0].Seq != 3 {
		t.Errorf("journal holds %d taps from %d", len(taps), taps[0].Seq)
	}
}

func TestCounters(t *testing.T) {
	var c offline.Counters
	c.AddRide(202611)
	c.AddRide(202611)
	c.AddMeal(20261121, "lunch")
	if c.RidesIn(202611) != 2 || c.RidesIn(202612) != 0 || !c.HadMeal(20261121, "lunch") || c.HadMeal(20261122, "lunch") {
		t.Errorf("counters %+v", c)
	}
	c.AddRide(202612)
	c.AddMeal(20261122, "breakfast")
	if c.RidesIn(202612) != 1 || c.HadMeal(20261122, "lunch") || !c.HadMeal(20261122, "breakfast") {
		t.Errorf("a new month or day must start afresh: %+v", c)
	}
}

// TestReadOnlyInspection: what selftest opens read-only it does not change:
// no boot counted, no tap appended, lists untouched.
func TestReadOnlyInspection(t *testing.T) {
	dir := t.TempDir()
	jpath, lpath := filepath.Join(dir, "journal.db"), filepath.Join(dir, "lists.db")
	if _, err := offline.OpenJournal(jpath, offline.JournalOptions{ReadOnly: true}); err == nil {
		t.Error("a journal that does not exist opened read-only")
	}
	j, _ := offline.OpenJournal(jpath, offline.JournalOptions{Now: clock()})
	j.Append(tap("k1.a"), "k1.a", nil)
	j.Close()
	for i := 0; i < 2; i++ {
		r, err := offline.OpenJournal(jpath, offline.JournalOptions{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		if st := r.Stats(); st.Boot != 1 || st.Backlog != 1 || st.NextSeq != 2 || r.Check() != nil {
			t.Errorf("read-only stats %+v", st)
		}
		if _, err := r.Append(tap("k1.b"), "k1.b", nil); err == nil {
			t.Error("Append on a read-only journal")
		}
		r.Close()
	}
	l, _ := offline.OpenLists(lpath, offline.ListsOptions{Now: clock()})
	snapshot(t, l, 1, offlinetest.Entry(1, 100))
	l.Close()
	r, err := offline.OpenLists(lpath, offline.ListsOptions{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if s, ok := r.State("bus-fleet"); !ok || s.Entries != 1 || r.Check() != nil {
		t.Errorf("read-only lists: %+v", s)
	}
	if err := r.Install(version("bus-fleet", 2, 0, 0), offlinetest.Puts(), nil); err == nil {
		t.Error("Install on read-only lists")
	}
}

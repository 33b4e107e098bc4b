package fleet

import (
	"fmt"
	"time"
)

// Progress is the fleet's state, summed over its devices.
type Progress struct {
	Elapsed                   time.Duration
	Devices, Connected, Cut   int
	Journaled, Acked, Refused int64
	Backlog, MaxBacklog       int64 // journaled − acked, now and the largest sampled
}

// Progress returns the counters now; Elapsed counts from the start of Run
// (0 before). It is safe to call while Run runs.
func (f *Fleet) Progress() Progress {
	f.sampleBacklog()
	var elapsed time.Duration
	if start := f.started.Load(); start != 0 {
		elapsed = time.Since(time.Unix(0, start))
	}
	return Progress{Elapsed: elapsed, Devices: len(f.devices),
		Connected: int(f.connected.Load()), Cut: int(f.cut.Load()),
		Journaled: f.total.journaled.Load(), Acked: f.total.acked.Load(), Refused: f.total.refused.Load(),
		Backlog: f.backlog(), MaxBacklog: f.maxBacklog.Load()}
}

func (p Progress) String() string {
	s := fmt.Sprintf("%6.1fs  connected %d/%d  cut %d  journaled %d  acked %d  backlog %d (max %d)",
		p.Elapsed.Seconds(), p.Connected, p.Devices, p.Cut, p.Journaled, p.Acked, p.Backlog, p.MaxBacklog)
	if p.Refused > 0 {
		s += fmt.Sprintf("  refused %d (journal full)", p.Refused)
	}
	return s
}

// Summary is how a run went.
type Summary struct {
	Progress
	Outages     int
	Tapping     time.Duration // from the start to the end of tapping
	Drain       time.Duration // from the end of tapping to an empty backlog (or giving up)
	Drained     bool          // every journaled tap was acked
	Interrupted bool          // the run's context ended first
}

func (s Summary) String() string {
	state := "drained"
	switch {
	case s.Interrupted:
		state = "interrupted"
	case !s.Drained:
		state = "NOT drained"
	}
	return fmt.Sprintf("%s after %.1fs: %d devices, journaled %d, acked %d, backlog %d, max backlog %d, "+
		"%d outages, tapping %.1fs, drain %.2fs",
		state, s.Elapsed.Seconds(), s.Devices, s.Journaled, s.Acked, s.Backlog, s.MaxBacklog,
		s.Outages, s.Tapping.Seconds(), s.Drain.Seconds())
}

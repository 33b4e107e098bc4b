package sync

import (
	"context"
	"fmt"
	"time"

	"karta/offline"
)

// connectAndServe runs one connection: subscribe to acks, announce the
// status, then send and resend the journal until the connection or ctx
// ends.
func (l *Link) connectAndServe(ctx context.Context) error {
	will, err := Encode(Status{V: V, Device: l.Device, Online: false, Time: time.Now()})
	if err != nil {
		return err
	}
	conn, err := l.Dial(ctx, StatusTopic(l.Device), will)
	if err != nil {
		return fmt.Errorf("sync: connect: %w", err)
	}
	defer conn.Close()
	s := &session{l: l, conn: conn, acks: make(chan Ack, 64)}
	if err := conn.Subscribe(AckTopic(l.Device), 1, s.onAck); err != nil {
		return fmt.Errorf("sync: subscribe acks: %w", err)
	}
	if err := s.publishStatus(true); err != nil {
		return err
	}
	l.Log.Info("sync: connected", "device", l.Device)
	return s.serve(ctx)
}

// session is the state of one connection.
type session struct {
	l        *Link
	conn     Conn
	acks     chan Ack
	next     uint64     // next seq to send
	inflight []inflight // batches sent and not yet acked, oldest first
}

type inflight struct {
	from, to uint64
	at       time.Time
}

// onAck runs on paho's goroutine: decode and hand over, never block. An
// ack dropped here only means its batch is sent again later.
func (s *session) onAck(_ string, b []byte) {
	a, err := DecodeAck(s.l.Device, b)
	if err != nil {
		s.l.Log.Warn("sync: ack refused", "err", err)
		return
	}
	select {
	case s.acks <- a:
	default:
	}
}

func (s *session) serve(ctx context.Context) error {
	poll, status := time.NewTicker(s.l.Opts.Poll), time.NewTicker(s.l.Opts.StatusEvery)
	defer poll.Stop()
	defer status.Stop()
	for {
		if err := s.send(); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			s.publishStatus(false) // a clean goodbye; the will covers the rest
			return nil
		case <-s.conn.Lost():
			return errServed
		case a := <-s.acks:
			s.applyAck(a)
		case <-s.l.kick:
		case <-poll.C:
			s.expire()
		case <-status.C:
			if err := s.publishStatus(true); err != nil {
				return err
			}
		}
	}
}

// send publishes batches while the window has room and the journal has
// unsent taps.
func (s *session) send() error {
	for len(s.inflight) < s.l.Opts.Window {
		taps, err := s.l.Outbox.Range(s.next, s.l.Opts.Batch)
		if err != nil || len(taps) == 0 {
			return err
		}
		taps = contiguous(taps)
		b := TapBatch{V: V, Device: s.l.Device, From: taps[0].Seq, To: taps[len(taps)-1].Seq, Taps: taps, Sent: time.Now()}
		payload, err := Encode(b)
		if err != nil {
			return err
		}
		if err := s.conn.Publish(TapsTopic(s.l.Device), 1, false, payload); err != nil {
			return fmt.Errorf("sync: publish taps %d-%d: %w", b.From, b.To, err)
		}
		s.inflight = append(s.inflight, inflight{from: b.From, to: b.To, at: time.Now()})
		s.next = b.To + 1
	}
	return nil
}

// contiguous keeps the run of consecutive seqs at the start: acks of later
// ranges can leave holes in what is left.
func contiguous(taps []offline.Tap) []offline.Tap {
	for i := 1; i < len(taps); i++ {
		if taps[i].Seq != taps[i-1].Seq+1 {
			return taps[:i]
		}
	}
	return taps
}

// applyAck prunes the journal and forgets the batches the ack covers.
func (s *session) applyAck(a Ack) {
	for _, r := range a.Ranges {
		if _, err := s.l.Outbox.Ack(r.From, r.To); err != nil {
			s.l.Log.Error("sync: prune acked taps", "from", r.From, "to", r.To, "err", err)
			return
		}
	}
	kept := s.inflight[:0]
	for _, f := range s.inflight {
		if !covered(f, a.Ranges) {
			kept = append(kept, f)
		}
	}
	s.inflight = kept
}

func covered(f inflight, ranges []SeqRange) bool {
	for _, r := range ranges {
		if r.From <= f.from && f.to <= r.To {
			return true
		}
	}
	return false
}

// expire: when the oldest batch waited too long for its ack, start again
// from the first unacked tap.
func (s *session) expire() {
	if len(s.inflight) > 0 && time.Since(s.inflight[0].at) > s.l.Opts.AckTimeout {
		s.l.Log.Info("sync: no ack in time; sending again", "from", s.inflight[0].from)
		s.inflight, s.next = nil, 0
	}
}

func (s *session) publishStatus(online bool) error {
	st := Status{V: V, Device: s.l.Device, Time: time.Now()}
	if s.l.Status != nil {
		st = s.l.Status()
		st.V, st.Device = V, s.l.Device
	}
	st.Online = online
	payload, err := Encode(st)
	if err == nil {
		err = s.conn.Publish(StatusTopic(s.l.Device), 1, true, payload)
	}
	if err != nil {
		return fmt.Errorf("sync: publish status: %w", err)
	}
	return nil
}

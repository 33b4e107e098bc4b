package sync

import (
	"context"
	"fmt"
	"slices"
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
	if err := s.subscribeDown(); err != nil {
		return err
	}
	if l.Down != nil {
		l.Down.connected(conn)
		defer l.Down.connected(nil)
	}
	if err := s.publishStatus(true); err != nil {
		return err
	}
	l.Log.Info("sync: connected", "device", l.Device)
	l.setState(linkState{up: true, since: time.Now()})
	defer l.setState(linkState{})
	return s.serve(ctx)
}

func (l *Link) setState(st linkState) {
	l.mu.Lock()
	l.state = st
	l.mu.Unlock()
}

// session is the state of one connection.
type session struct {
	l        *Link
	conn     Conn
	acks     chan Ack
	next     uint64     // next seq to send
	inflight []inflight // batches sent and not yet acked, oldest first
	lists    []string   // the lists whose offers it subscribed to
	// patience is the ack timeout now: AckTimeout, doubled after each
	// expiry up to maxPatience times it, back to AckTimeout on an ack. A
	// central that is behind is not sent more of what it has queued.
	patience time.Duration
}

// maxPatience bounds how far the ack timeout backs off.
const maxPatience = 8

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
		s.l.mu.Lock()
		s.l.state.inflight, s.l.state.next = len(s.inflight), s.next
		s.l.mu.Unlock()
		var err error
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
			err = s.expire()
		case <-status.C:
			err = s.publishStatus(true)
		case <-s.l.statusKick:
			err = s.publishStatus(true)
		case <-s.l.resync:
			s.inflight, s.next = nil, 0
			err = s.refetchOffers()
		case <-s.l.relist:
			err = s.relist()
		}
		if err != nil {
			return err
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
		if err := s.publish(contiguous(taps)); err != nil {
			return err
		}
		s.next = s.inflight[len(s.inflight)-1].to + 1
	}
	return nil
}

// publish sends a contiguous run of taps as one batch and waits for it.
func (s *session) publish(taps []offline.Tap) error {
	b := TapBatch{V: V, Device: s.l.Device, From: taps[0].Seq, To: taps[len(taps)-1].Seq, Taps: taps, Sent: time.Now()}
	payload, err := Encode(b)
	if err != nil {
		return err
	}
	if err := s.conn.Publish(TapsTopic(s.l.Device), 1, false, payload); err != nil {
		return fmt.Errorf("sync: publish taps %d-%d: %w", b.From, b.To, err)
	}
	s.inflight = append(s.inflight, inflight{from: b.From, to: b.To, at: time.Now()})
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
	if len(kept) < len(s.inflight) {
		s.patience = s.l.Opts.AckTimeout
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

// expire sends again each batch that waited longer than the patience for
// its ack — what is left of it in the journal, and only it: the batches
// behind it have their own time, and sending the whole window again to a
// central that is merely slow would only make it slower. After an expiry
// the patience doubles (up to maxPatience × AckTimeout) until an ack comes.
func (s *session) expire() error {
	if s.patience == 0 {
		s.patience = s.l.Opts.AckTimeout
	}
	expired := false
	for len(s.inflight) > 0 && time.Since(s.inflight[0].at) > s.patience {
		expired = true
		old := s.inflight[0]
		s.inflight = s.inflight[1:]
		taps, err := s.l.Outbox.Range(old.from, int(old.to-old.from+1))
		if err != nil {
			return err
		}
		taps = upTo(taps, old.to)
		s.l.Log.Info("sync: no ack in time; sending again", "from", old.from, "to", old.to, "taps", len(taps), "waited", s.patience)
		for len(taps) > 0 { // acks of parts of it leave runs
			run := contiguous(taps)
			if err := s.publish(run); err != nil {
				return err
			}
			taps = taps[len(run):]
		}
	}
	if expired {
		s.patience = min(2*s.patience, maxPatience*s.l.Opts.AckTimeout)
	}
	return nil
}

// upTo keeps the taps up to seq to; taps are in seq order.
func upTo(taps []offline.Tap, to uint64) []offline.Tap {
	for i, t := range taps {
		if t.Seq > to {
			return taps[:i]
		}
	}
	return taps
}

func (s *session) publishStatus(online bool) error {
	st := Status{V: V, Device: s.l.Device, Time: time.Now()}
	if s.l.Status != nil {
		st = s.l.Status()
		st.V, st.Device = V, s.l.Device
	}
	st.Online = online
	if s.l.Down != nil {
		s.l.Down.fillStatus(&st)
	}
	payload, err := Encode(st)
	if err == nil {
		err = s.conn.Publish(StatusTopic(s.l.Device), 1, true, payload)
	}
	if err != nil {
		return fmt.Errorf("sync: publish status: %w", err)
	}
	return nil
}

// subscribeDown subscribes to the downlink's topics: the device's config
// and commands, and the offers of the lists its rules consult.
func (s *session) subscribeDown() error {
	if s.l.Down == nil {
		return nil
	}
	s.lists = s.l.Down.Lists()
	if err := s.l.Down.subscribe(s.conn, s.l.Device, s.lists); err != nil {
		return fmt.Errorf("sync: subscribe downlink: %w", err)
	}
	return nil
}

// refetchOffers subscribes to the list offers again: the broker sends the
// retained ones again, and the lists are checked against them afresh.
func (s *session) refetchOffers() error {
	if s.l.Down == nil {
		return nil
	}
	for _, list := range s.lists {
		s.conn.Unsubscribe(ManifestTopic(list)) // subscribing again is what counts
		if err := s.l.Down.subscribeOffer(s.conn, list); err != nil {
			return fmt.Errorf("sync: subscribe offers of %s: %w", list, err)
		}
	}
	return nil
}

// relist follows the lists the rules consult after a config change.
func (s *session) relist() error {
	if s.l.Down == nil {
		return nil
	}
	now := s.l.Down.Lists()
	for _, list := range s.lists {
		if !slices.Contains(now, list) {
			s.conn.Unsubscribe(ManifestTopic(list)) // an offer of it is ignored anyway
		}
	}
	for _, list := range now {
		if slices.Contains(s.lists, list) {
			continue
		}
		if err := s.l.Down.subscribeOffer(s.conn, list); err != nil {
			return fmt.Errorf("sync: subscribe offers of %s: %w", list, err)
		}
	}
	s.lists = now
	return nil
}

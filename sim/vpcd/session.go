package vpcd

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"time"
)

// errDropped: DropAfter took the card away.
var errDropped = errors.New("vpcd: card dropped mid-exchange (DropAfter)")

// run keeps the card in the reader until ctx ends or the card leaves.
func (c *Client) run(ctx context.Context, present func() Responder, done chan struct{}) {
	defer close(done)
	for {
		conn, err := c.dial(ctx)
		if err != nil {
			return
		}
		if left := c.serve(ctx, conn, present); left {
			return
		}
		c.log.Info("vpcd: vpcd hung up; connecting again", "addr", c.opts.Addr)
		if !sleep(ctx, c.opts.Backoff) { // a vpcd that hangs up at once is not hammered
			return
		}
	}
}

// dial connects to vpcd, waiting with backoff while it does not listen.
func (c *Client) dial(ctx context.Context) (net.Conn, error) {
	var d net.Dialer
	wait := c.opts.Backoff
	for attempt := 1; ; attempt++ {
		conn, err := d.DialContext(ctx, "tcp", c.opts.Addr)
		if err == nil {
			c.log.Info("vpcd: card in the reader", "addr", c.opts.Addr)
			return conn, nil
		}
		if attempt == 1 && ctx.Err() == nil {
			c.log.Info("vpcd: vpcd not listening yet; retrying", "addr", c.opts.Addr, "err", err)
		}
		if !sleep(ctx, wait) {
			return nil, ctx.Err()
		}
		wait = min(2*wait, c.opts.MaxBackoff)
	}
}

// serve answers vpcd on conn. It reports whether the card left the reader
// (Remove, DropAfter, a removed Responder) rather than vpcd hanging up.
func (c *Client) serve(ctx context.Context, conn net.Conn, present func() Responder) (left bool) {
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	defer conn.Close()
	s := &session{c: c, present: present}
	defer s.forget()
	for {
		quickAck(conn)
		msg, err := ReadMessage(conn)
		if err != nil {
			return ctx.Err() != nil
		}
		reply, err := s.handle(ctx, msg)
		if err != nil {
			c.log.Info("vpcd: card left the reader", "after_apdus", s.apdus, "why", err)
			return true
		}
		if reply != nil && WriteMessage(conn, reply) != nil {
			return ctx.Err() != nil
		}
	}
}

// session is one connection: one stay of the card in the reader.
type session struct {
	c       *Client
	present func() Responder
	card    Responder // nil until the first APDU after a power-up
	apdus   int
}

func (s *session) handle(ctx context.Context, msg []byte) ([]byte, error) {
	switch len(msg) {
	case 0:
		return nil, nil
	case 1:
		return s.control(msg[0]), nil
	}
	return s.apdu(ctx, msg)
}

var controlNames = map[byte]string{CtrlPowerOff: "power off", CtrlPowerOn: "power on", CtrlReset: "reset", CtrlATR: "get ATR"}

func (s *session) control(code byte) []byte {
	if code == CtrlATR {
		return bytes.Clone(s.c.opts.ATR)
	}
	s.c.log.Debug("vpcd: "+controlNames[code], "code", code)
	s.forget() // power and reset restart the card OS
	return nil
}

func (s *session) apdu(ctx context.Context, cmd []byte) ([]byte, error) {
	if n := s.c.opts.DropAfter; n > 0 && s.apdus >= n {
		return nil, errDropped
	}
	if !sleep(ctx, s.c.opts.Delay) {
		return nil, ctx.Err()
	}
	if s.card == nil {
		s.card = s.present()
	}
	resp, err := s.card.Transmit(ctx, cmd)
	if err != nil {
		return nil, fmt.Errorf("vpcd: the card's answer: %w", err)
	}
	s.apdus++
	s.c.answered.Add(1)
	s.c.log.Debug("vpcd: answered", "apdu", s.apdus, "sw", fmt.Sprintf("%X", tail(resp, 2)))
	return resp, nil
}

// forget ends the current presentation, closing its Responder if it can be.
func (s *session) forget() {
	if cl, ok := s.card.(interface{ Close() error }); ok {
		cl.Close()
	}
	s.card = nil
}

func tail(b []byte, n int) []byte { return b[max(0, len(b)-n):] }

// sleep waits d, or less if ctx ends first; it reports whether ctx is alive.
func sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

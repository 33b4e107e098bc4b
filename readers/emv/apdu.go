package emv

import (
	"context"
	"fmt"
	"log/slog"

	"karta/readers"
)

// Command is a short command APDU. Data may be empty; Le is always sent
// (as 00, "all available") for commands that expect data back.
type Command struct {
	Name             string // for errors and logs: "SELECT", "GPO", ...
	CLA, INS, P1, P2 byte
	Data             []byte
	Le               byte
	NoLe             bool
}

// Bytes encodes the command as a short APDU (case 2, 3 or 4).
func (c Command) Bytes() []byte {
	b := []byte{c.CLA, c.INS, c.P1, c.P2}
	if len(c.Data) > 0 {
		b = append(b, byte(len(c.Data)))
		b = append(b, c.Data...)
	}
	if !c.NoLe {
		b = append(b, c.Le)
	}
	return b
}

// Response is a card's answer split into data and status word.
type Response struct {
	Data []byte
	SW   uint16
}

// OK reports a normal end (9000) or a warning that still carries data
// (62xx, 63xx).
func (r Response) OK() bool {
	return r.SW == 0x9000 || r.SW>>8 == 0x62 || r.SW>>8 == 0x63
}

// Exchanger sends commands to the card. It hides the transport-level status
// words: 61xx (more data: GET RESPONSE) and 6Cxx (resend with Le = xx).
type Exchanger interface {
	Exchange(ctx context.Context, c Command) (Response, error)
}

const (
	maxAPDUs        = 64 // a whole read; a hostile card cannot keep us busy
	maxGetResponses = 16
)

// session counts and logs the exchanges of one read.
type session struct {
	card  readers.Card
	log   *slog.Logger
	apdus int
}

// Exchange implements Exchanger.
func (s *session) Exchange(ctx context.Context, c Command) (Response, error) {
	r, err := s.transmit(ctx, c)
	if err == nil && r.SW>>8 == 0x6C {
		c.Le = byte(r.SW)
		c.NoLe = false
		r, err = s.transmit(ctx, c)
	}
	for i := 0; err == nil && r.SW>>8 == 0x61; i++ {
		if i == maxGetResponses {
			return Response{}, malformed("%s: more than %d GET RESPONSE rounds", c.Name, maxGetResponses)
		}
		var more Response
		more, err = s.transmit(ctx, Command{Name: "GET RESPONSE", INS: 0xC0, Le: byte(r.SW)})
		if err == nil && !more.OK() && more.SW>>8 != 0x61 {
			return Response{}, &StatusError{Command: c.Name + " then GET RESPONSE", SW: more.SW}
		}
		more.Data = append(r.Data, more.Data...)
		r = more
	}
	return r, err
}

func (s *session) transmit(ctx context.Context, c Command) (Response, error) {
	if s.apdus >= maxAPDUs {
		return Response{}, fmt.Errorf("%w: %d", ErrTooManyAPDUs, s.apdus)
	}
	s.apdus++
	raw, err := s.card.Transmit(ctx, c.Bytes())
	if err != nil {
		return Response{}, fmt.Errorf("emv: %s: %w", c.Name, err)
	}
	if len(raw) < 2 {
		return Response{}, malformed("%s: response of %d bytes has no status word", c.Name, len(raw))
	}
	n := len(raw) - 2
	r := Response{Data: raw[:n:n], SW: uint16(raw[n])<<8 | uint16(raw[n+1])}
	if s.log.Enabled(ctx, slog.LevelDebug) {
		// Never log response data: it may hold the card number.
		s.log.Debug("emv: exchange", "n", s.apdus, "cmd", c.Name,
			"header", fmt.Sprintf("%02X%02X%02X%02X", c.CLA, c.INS, c.P1, c.P2),
			"sw", fmt.Sprintf("%04X", r.SW), "len", n)
	}
	return r, nil
}

// call exchanges c and turns a non-OK status into a *StatusError.
func call(ctx context.Context, x Exchanger, c Command) (Response, error) {
	r, err := x.Exchange(ctx, c)
	if err != nil {
		return r, err
	}
	if !r.OK() {
		return r, &StatusError{Command: c.Name, SW: r.SW}
	}
	return r, nil
}

func selectCommand(name []byte, next bool) Command {
	c := Command{Name: "SELECT", INS: 0xA4, P1: 0x04, Data: name}
	if next {
		c.P2 = 0x02
	}
	return c
}

func readRecordCommand(sfi, rec byte) Command {
	return Command{Name: "READ RECORD", INS: 0xB2, P1: rec, P2: sfi<<3 | 0x04}
}

package pn532

import (
	"context"
	"time"
)

// cardTimeout bounds a Responder's answer, as the PN532's own timer bounds
// a card's.
const cardTimeout = 5 * time.Second

// inDataExchange passes an APDU to the activated card and answers with its
// response, in pieces of MaxDataIn bytes with the MI bit set on all but the
// last; InDataExchange with no data fetches the next piece.
func inDataExchange(s *session, params []byte) ([]byte, bool) {
	if len(params) < 1 {
		return nil, false
	}
	tg, apdu := params[0]&0x3F, params[1:]
	if st := s.reachable(tg); st != stOK {
		s.chain = nil
		return []byte{st}, true
	}
	if len(apdu) == 0 && s.chain != nil {
		return s.piece(), true
	}
	resp, err := s.transmit(apdu)
	if err != nil {
		s.e.gone(s.active, err)
		s.e.log.Debug("pn532 sim: card did not answer", "err", err)
		return []byte{stTimeout}, true
	}
	s.chain = resp
	return s.piece(), true
}

func (s *session) transmit(apdu []byte) ([]byte, error) {
	ctx, cancel := context.WithTimeout(s.ctx, cardTimeout)
	defer cancel()
	return s.active.card.Transmit(ctx, apdu)
}

// piece takes the next piece of the pending answer, status byte first.
func (s *session) piece() []byte {
	n := min(len(s.chain), s.e.opts.MaxDataIn)
	out := append([]byte{stOK}, s.chain[:n]...)
	if s.chain = s.chain[n:]; len(s.chain) > 0 {
		out[0] |= 0x40 // MI: more information
		s.e.count(func(st *Stats) { st.Chained++ })
		return out
	}
	s.chain = nil
	return out
}

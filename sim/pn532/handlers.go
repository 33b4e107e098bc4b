package pn532

import (
	"errors"
	"fmt"

	"karta/readers"
	drv "karta/readers/pn532"
)

// Status bytes the emulator answers with (UM0701-02 §7.1).
const (
	stOK      = 0x00
	stTimeout = 0x01 // the target has not answered
	stContext = 0x27 // no such target in the current context
)

// A handler answers one command: the answer's data after its code, or
// false for an error frame (a command the PN532 cannot take).
type handler func(s *session, params []byte) ([]byte, bool)

var handlers = map[byte]handler{
	drv.CmdDiagnose:            diagnose,
	drv.CmdGetFirmwareVersion:  firmwareVersion,
	drv.CmdSAMConfiguration:    needParams(1),
	drv.CmdRFConfiguration:     needParams(2),
	drv.CmdInListPassiveTarget: inListPassiveTarget,
	drv.CmdInDataExchange:      inDataExchange,
	drv.CmdInDeselect:          inRelease,
	drv.CmdInRelease:           inRelease,
}

// answer runs the handler of code; an unknown command gets an error frame.
func (s *session) answer(code byte, params []byte) drv.Frame {
	h, ok := handlers[code]
	if !ok {
		return drv.Frame{Kind: drv.KindError}
	}
	data, ok := h(s, params)
	if !ok {
		return drv.Frame{Kind: drv.KindError}
	}
	s.e.log.Debug("pn532 sim: command", "code", fmt.Sprintf("%02X", code), "params_len", len(params), "answer_len", len(data))
	s.e.count(func(st *Stats) { st.Commands[code]++ })
	return drv.Info(drv.TFIDevice, code+1, data...)
}

func firmwareVersion(s *session, _ []byte) ([]byte, bool) {
	fw := s.e.opts.Firmware
	return []byte{fw.IC, fw.Ver, fw.Rev, fw.Support}, true
}

// needParams answers a configuration command with nothing once it has n
// parameter bytes.
func needParams(n int) handler {
	return func(_ *session, params []byte) ([]byte, bool) { return nil, len(params) >= n }
}

// inListPassiveTarget activates the card in the field: MaxTg, BrTy 00
// (106 kbps type A) only.
func inListPassiveTarget(s *session, params []byte) ([]byte, bool) {
	if len(params) < 2 {
		return nil, false
	}
	s.active, s.chain = nil, nil
	p := s.e.present()
	if params[1] != 0x00 || p == nil {
		return []byte{0x00}, true
	}
	s.active = p
	return s.e.opts.Target.Append([]byte{0x01}), true
}

// inRelease lets go of the activated card (Tg 0: all of them).
func inRelease(s *session, params []byte) ([]byte, bool) {
	if len(params) < 1 {
		return nil, false
	}
	if s.active == nil || params[0] != 0 && params[0] != s.e.opts.Target.Tg {
		return []byte{stContext}, true
	}
	s.active, s.chain = nil, nil
	return []byte{stOK}, true
}

// present returns the card in the field if it has not left by itself.
func (e *Emulator) present() *presentation {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.card == nil || e.card.gone {
		return nil
	}
	return e.card
}

// reachable returns the activated card's status: OK while it is still in
// the field, timeout once it left, wrong context with none activated.
func (s *session) reachable(tg byte) byte {
	switch {
	case s.active == nil || tg != s.e.opts.Target.Tg:
		return stContext
	case s.e.present() != s.active:
		return stTimeout
	}
	return stOK
}

// diagnose runs NumTst 00 (communication line test: the data come back)
// and 06 (attention request: is the activated card still there?).
func diagnose(s *session, params []byte) ([]byte, bool) {
	switch {
	case len(params) == 0:
		return nil, false
	case params[0] == 0x00:
		return params, true
	case params[0] == 0x06:
		return []byte{s.reachable(s.e.opts.Target.Tg)}, true
	}
	return nil, false
}

// gone marks the card as having left the field when its answer says so.
func (e *Emulator) gone(p *presentation, err error) {
	if !errors.Is(err, readers.ErrCardRemoved) {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	p.gone = true
}

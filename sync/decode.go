package sync

import (
	"karta/offline"
	"karta/offline/token"
)

// DecodeTapBatch decodes a batch published on the taps topic of
// topicDevice and checks it: same device, a contiguous seq range, every tap
// numbered in it, at most MaxBatch taps, tokens well formed (no card number
// can pass for one), reasons present.
func DecodeTapBatch(topicDevice string, b []byte) (TapBatch, error) {
	var m TapBatch
	if err := decode(b, &m); err != nil {
		return TapBatch{}, err
	}
	if err := checkBatch(topicDevice, &m); err != nil {
		return TapBatch{}, err
	}
	return m, nil
}

func checkBatch(topicDevice string, m *TapBatch) error {
	if err := version(m.V); err != nil {
		return err
	}
	if err := sameDevice(topicDevice, m.Device); err != nil {
		return err
	}
	n := len(m.Taps)
	switch {
	case n == 0 || n > MaxBatch:
		return bad("%d taps in a batch (1..%d)", n, MaxBatch)
	case m.From == 0 || m.To < m.From || m.To-m.From+1 != uint64(n):
		return bad("seq range %d..%d does not hold %d taps", m.From, m.To, n)
	}
	for i := range m.Taps {
		if err := checkTap(&m.Taps[i], m.From+uint64(i)); err != nil {
			return err
		}
	}
	return nil
}

func checkTap(t *offline.Tap, seq uint64) error {
	switch {
	case t.Seq != seq:
		return bad("tap %d out of place (expected seq %d)", t.Seq, seq)
	case t.Reason == "" || len(t.Reason) > 64 || len(t.Product) > 64 || len(t.Role) > 32:
		return bad("tap %d: reason, product or role missing or too long", seq)
	case !validToken(t.Token) || !validToken(t.PARToken):
		return bad("tap %d: a token is malformed", seq)
	case len(t.Flags) > 16 || len(t.List) > 64 || len(t.Reader) > 64:
		return bad("tap %d: too many flags or a name too long", seq)
	}
	return nil
}

func validToken(t string) bool {
	if t == "" {
		return true
	}
	_, err := token.KeyID(t)
	return err == nil
}

// DecodeAck decodes an ack for device.
func DecodeAck(device string, b []byte) (Ack, error) {
	var m Ack
	if err := decode(b, &m); err != nil {
		return Ack{}, err
	}
	if err := version(m.V); err != nil {
		return Ack{}, err
	}
	if err := sameDevice(device, m.Device); err != nil {
		return Ack{}, err
	}
	for _, r := range m.Ranges {
		if r.From == 0 || r.To < r.From {
			return Ack{}, bad("ack range %d..%d", r.From, r.To)
		}
	}
	return m, nil
}

// DecodeStatus decodes a status retained on the status topic of
// topicDevice.
func DecodeStatus(topicDevice string, b []byte) (Status, error) {
	var m Status
	if err := decode(b, &m); err != nil {
		return Status{}, err
	}
	if err := version(m.V); err != nil {
		return Status{}, err
	}
	if err := sameDevice(topicDevice, m.Device); err != nil {
		return Status{}, err
	}
	if len(m.Lists) > 16 || len(m.Readers) > 16 || m.Backlog < 0 {
		return Status{}, bad("status of %s: too many lists or readers, or a negative backlog", m.Device)
	}
	if len(m.ConfigError) > MaxDetail {
		return Status{}, bad("status of %s: config error over %d bytes", m.Device, MaxDetail)
	}
	if c := m.Command; c != nil && (len(c.ID) > 64 || len(c.Kind) > 32 || len(c.Detail) > MaxDetail) {
		return Status{}, bad("status of %s: command result over its bounds", m.Device)
	}
	return m, nil
}

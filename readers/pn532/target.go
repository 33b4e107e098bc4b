package pn532

import (
	"bytes"
	"fmt"
)

// Target is a card the PN532 found and activated with InListPassiveTarget:
// ISO/IEC 14443 type A at 106 kbps.
type Target struct {
	Tg      byte    // the PN532's logical number for the card, used by InDataExchange
	SENSRes [2]byte // SENS_RES (ATQA)
	SELRes  byte    // SEL_RES (SAK)
	NFCID   []byte  // NFCID1 (the UID): 4, 7 or 10 bytes
	ATS     []byte  // answer to select, its length byte TL first; nil without one
}

// ISO14443_4 reports whether the card speaks ISO/IEC 14443-4 (SEL_RES bit
// 6, 0x20), and so carries APDUs: every contactless bank card does.
func (t Target) ISO14443_4() bool { return t.SELRes&0x20 != 0 }

// parseTargets parses the answer to InListPassiveTarget with BrTy 00 after
// its code: NbTg, then for the first target Tg, SENS_RES, SEL_RES,
// NFCIDLength, NFCID1 and an optional ATS. NbTg 0 gives nil.
func parseTargets(data []byte) (*Target, error) {
	if len(data) == 0 {
		return nil, fmt.Errorf("%w: InListPassiveTarget answer is empty", ErrMalformed)
	}
	if data[0] == 0 {
		return nil, nil
	}
	t, err := parseTarget(data[1:])
	if err != nil {
		return nil, fmt.Errorf("%w: InListPassiveTarget target data: %v", ErrMalformed, err)
	}
	return t, nil
}

func parseTarget(b []byte) (*Target, error) {
	if len(b) < 5 {
		return nil, fmt.Errorf("%d bytes, want at least 5", len(b))
	}
	t := &Target{Tg: b[0], SENSRes: [2]byte{b[1], b[2]}, SELRes: b[3]}
	n := int(b[4])
	rest := b[5:]
	if n > len(rest) {
		return nil, fmt.Errorf("NFCID of %d bytes, only %d left", n, len(rest))
	}
	t.NFCID, rest = bytes.Clone(rest[:n]), rest[n:]
	if len(rest) == 0 {
		return t, nil
	}
	if tl := int(rest[0]); tl == 0 || tl > len(rest) {
		return nil, fmt.Errorf("ATS length %d, %d bytes left", tl, len(rest))
	}
	t.ATS = bytes.Clone(rest[:rest[0]])
	return t, nil
}

// Append encodes t as InListPassiveTarget target data (Tg through ATS),
// the form parseTargets reads; the emulator answers with it.
func (t Target) Append(dst []byte) []byte {
	dst = append(dst, t.Tg, t.SENSRes[0], t.SENSRes[1], t.SELRes, byte(len(t.NFCID)))
	dst = append(dst, t.NFCID...)
	return append(dst, t.ATS...)
}

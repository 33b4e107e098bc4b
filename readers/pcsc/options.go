package pcsc

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/ebfe/scard"
)

// Share is how a connection shares the card with other PC/SC clients.
type Share string

// Share modes. Exclusive keeps other programs (pcsc_scan, a browser's
// smart card stack) away from the card while karta holds it.
const (
	Shared    Share = "shared"
	Exclusive Share = "exclusive"
)

// Protocol is the transmission protocol a connection asks for.
type Protocol string

// Protocols. Contactless readers present every card as T=1; Any lets the
// reader choose.
const (
	AnyProtocol Protocol = "any"
	T0          Protocol = "t0"
	T1          Protocol = "t1"
)

// Disposition is what happens to the card when its Card is closed.
type Disposition string

// Dispositions. Leave is the default: the card stays powered and selected
// as it is, and the next WaitCard connects to it again if it is still in the
// field. Reset re-activates the card (for a contactless reader, an RF reset);
// Unpower switches it off until the next connection.
const (
	Leave   Disposition = "leave"
	Reset   Disposition = "reset"
	Unpower Disposition = "unpower"
)

// Options tune a Context and its Readers. Every zero value means the
// default; the string-typed fields take the words a config file would use.
type Options struct {
	Share       Share       // "" is Shared
	Protocol    Protocol    // "" is AnyProtocol
	Disposition Disposition // "" is Leave

	// Rescan bounds how long a Reader whose device is absent trusts PC/SC's
	// reader-list notification before it lists the readers again (default
	// 1 s). It costs nothing while the reader is there.
	Rescan time.Duration

	Log *slog.Logger // reader events and errors; never APDU data
}

// settings are Options checked and turned into scard values.
type settings struct {
	share  scard.ShareMode
	proto  scard.Protocol
	disp   scard.Disposition
	rescan time.Duration
	log    *slog.Logger
}

var (
	shares       = map[Share]scard.ShareMode{"": scard.ShareShared, Shared: scard.ShareShared, Exclusive: scard.ShareExclusive}
	protocols    = map[Protocol]scard.Protocol{"": scard.ProtocolAny, AnyProtocol: scard.ProtocolAny, T0: scard.ProtocolT0, T1: scard.ProtocolT1}
	dispositions = map[Disposition]scard.Disposition{"": scard.LeaveCard, Leave: scard.LeaveCard, Reset: scard.ResetCard, Unpower: scard.UnpowerCard}
)

func (o Options) settings() (settings, error) {
	s := settings{rescan: o.Rescan, log: o.Log}
	var errs [3]error
	s.share, errs[0] = pick(shares, o.Share, "share mode", "shared or exclusive")
	s.proto, errs[1] = pick(protocols, o.Protocol, "protocol", "any, t0 or t1")
	s.disp, errs[2] = pick(dispositions, o.Disposition, "disposition", "leave, reset or unpower")
	if err := errors.Join(errs[:]...); err != nil {
		return s, err
	}
	if s.rescan <= 0 {
		s.rescan = time.Second
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return s, nil
}

func pick[K ~string, V any](m map[K]V, k K, what, want string) (V, error) {
	v, ok := m[k]
	if !ok {
		return v, fmt.Errorf("pcsc: %s %q: want %s", what, k, want)
	}
	return v, nil
}

// protocolName names an active protocol.
func protocolName(p scard.Protocol) Protocol {
	switch p {
	case scard.ProtocolT0:
		return T0
	case scard.ProtocolT1:
		return T1
	}
	return ""
}

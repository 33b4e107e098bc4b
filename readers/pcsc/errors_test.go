package pcsc_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/ebfe/scard"

	"karta/readers"
	"karta/readers/pcsc"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		err  scard.Error
		kind error // nil: no sentinel
	}{
		{scard.ErrRemovedCard, readers.ErrCardRemoved},
		{scard.ErrNoSmartcard, readers.ErrCardRemoved},
		{scard.ErrResetCard, readers.ErrCardRemoved},
		{scard.ErrUnpoweredCard, readers.ErrCardRemoved},
		{scard.ErrUnresponsiveCard, readers.ErrCardRemoved},
		{scard.ErrNotTransacted, readers.ErrCardRemoved},
		{scard.ErrNoService, readers.ErrReaderGone},
		{scard.ErrServiceStopped, readers.ErrReaderGone},
		{scard.ErrReaderUnavailable, readers.ErrReaderGone},
		{scard.ErrUnknownReader, readers.ErrReaderGone},
		{scard.ErrNoReadersAvailable, readers.ErrReaderGone},
		{scard.ErrCommError, readers.ErrReaderGone},
		{scard.ErrInvalidHandle, readers.ErrReaderGone},
		{scard.ErrSecurityViolation, readers.ErrReaderGone},
		{scard.ErrTimeout, readers.ErrTimeout},
		{scard.ErrSharingViolation, nil},
		{scard.ErrProtoMismatch, nil},
	}
	sentinels := []error{readers.ErrCardRemoved, readers.ErrReaderGone, readers.ErrTimeout, readers.ErrClosed}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			err := pcsc.Wrap("transmit", tt.err)
			if !errors.Is(err, tt.err) || !strings.HasPrefix(err.Error(), "pcsc: transmit: ") {
				t.Errorf("Wrap = %q; want the scard error kept, after %q", err, "pcsc: transmit: ")
			}
			for _, s := range sentinels {
				if got := errors.Is(err, s); got != (s == tt.kind) {
					t.Errorf("errors.Is(%q, %v) = %v", err, s, got)
				}
			}
		})
	}
}

func TestMatch(t *testing.T) {
	names := []string{"ACS ACR122U PICC Interface 00 00", "Virtual PCD 00 00", "Virtual PCD 00 01", "Virtual PCD 00"}
	tests := []struct{ name, want string }{
		{"Virtual PCD 00 01", "Virtual PCD 00 01"},
		{"Virtual PCD 00", "Virtual PCD 00"}, // an exact name beats a prefix
		{"Virtual PCD", "Virtual PCD 00 00"},
		{"ACS ACR122U", "ACS ACR122U PICC Interface 00 00"},
		{"ACS ACR1252", ""},
		{"virtual pcd", ""}, // names are case-sensitive, as in PC/SC
	}
	for _, tt := range tests {
		if got := pcsc.Match(names, tt.name); got != tt.want {
			t.Errorf("match(%q) = %q; want %q", tt.name, got, tt.want)
		}
	}
	if got := pcsc.Match(names, ""); got != names[0] {
		t.Errorf("match(\"\") = %q; want the first reader", got)
	}
	if got := pcsc.Match(nil, ""); got != "" {
		t.Errorf("match in no readers = %q", got)
	}
}

package emv

import (
	"bytes"
	"encoding/hex"
	"strconv"
	"strings"
	"time"
)

// Scheme is the payment system an application belongs to.
type Scheme string

// The schemes the reader knows by AID.
const (
	SchemeMir        Scheme = "mir"
	SchemeVisa       Scheme = "visa"
	SchemeMastercard Scheme = "mastercard"
	SchemeMaestro    Scheme = "maestro"
	SchemeUnionPay   Scheme = "unionpay"
	SchemeAmex       Scheme = "amex"
	SchemeJCB        Scheme = "jcb"
	SchemeDiscover   Scheme = "discover"
	SchemeInterac    Scheme = "interac"
	SchemeCB         Scheme = "cb"
	SchemeGirocard   Scheme = "girocard"
	SchemeUnknown    Scheme = "unknown"
)

// MirRID is the registered application provider id of Mir: the partial AID
// the fast path selects.
var MirRID = []byte{0xA0, 0x00, 0x00, 0x06, 0x58}

// aidSchemes maps AID prefixes to schemes, longest prefix first.
var aidSchemes = []struct {
	prefix string
	scheme Scheme
}{
	{"A0000000043060", SchemeMaestro},
	{"A000000658", SchemeMir},
	{"A000000003", SchemeVisa},
	{"A000000004", SchemeMastercard},
	{"A000000333", SchemeUnionPay},
	{"A000000025", SchemeAmex},
	{"A000000065", SchemeJCB},
	{"A000000152", SchemeDiscover},
	{"A000000277", SchemeInterac},
	{"A000000042", SchemeCB},
	{"A000000059", SchemeGirocard},
	{"A000000359", SchemeGirocard},
	{"D276000025", SchemeGirocard},
}

// SchemeOf names the scheme of an AID.
func SchemeOf(aid []byte) Scheme {
	h := strings.ToUpper(hex.EncodeToString(aid))
	for _, s := range aidSchemes {
		if strings.HasPrefix(h, s.prefix) {
			return s.scheme
		}
	}
	return SchemeUnknown
}

// knownAIDs are selected directly when a card has no usable directory.
var knownAIDs = hexAll(
	"A0000006582010", "A0000006581010", // Mir debit, credit
	"A0000000031010", "A0000000032010", // Visa, Visa Electron
	"A0000000041010", "A0000000043060", // Mastercard, Maestro
	"A000000333010101", "A000000333010102", "A000000333010103", // UnionPay
	"A00000002501", "A0000000651010", "A0000001523010", // Amex, JCB, Discover
	"A0000002771010", "A0000000421010", // Interac, CB
)

func hexAll(ss ...string) [][]byte {
	out := make([][]byte, len(ss))
	for i, s := range ss {
		out[i], _ = hex.DecodeString(s) // constants above; covered by tests
	}
	return out
}

func isMir(aid []byte) bool { return bytes.HasPrefix(aid, MirRID) }

// Identity is what leaves a read: who the card belongs to, as tokens, and
// never the card number itself.
type Identity struct {
	Scheme     Scheme
	AID        []byte
	Label      string
	PANMasked  string // first 6 and last 4 digits at most
	PANSource  Tag    // where the number was found: 5A, 57 or 9F6B
	Expiry     string // YYMM; empty when the card did not say
	PSN        string // PAN sequence number, two digits; empty when absent
	PARPresent bool
	Token      string // keyed HMAC of the PAN
	PARToken   string // keyed HMAC of the PAR; empty without a PAR
	APDUs      int    // exchanges the read took
}

// IsMir reports whether the card was read through a Mir application.
func (id Identity) IsMir() bool { return id.Scheme == SchemeMir }

// Expired reports whether the card is past its expiry month at now. A card
// whose expiry is unknown is not reported expired.
func (id Identity) Expired(now time.Time) bool {
	if len(id.Expiry) != 4 {
		return false
	}
	yy, err1 := strconv.Atoi(id.Expiry[:2])
	mm, err2 := strconv.Atoi(id.Expiry[2:])
	if err1 != nil || err2 != nil {
		return false
	}
	// Valid through the last day of the month: expired from the first of the next.
	end := time.Date(2000+yy, time.Month(mm)+1, 1, 0, 0, 0, 0, now.Location())
	return !now.Before(end)
}

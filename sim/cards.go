package sim

import (
	"encoding/hex"
	"strings"

	"karta/readers"
	"karta/readers/emv"
)

// Cards returns the catalogue of virtual cards, freshly built.
func Cards() []*Card {
	return []*Card{
		mirDebit(), mirCredit(), mirTrack2(), mirPAR(), mirPay(), mirMaestro(),
		visaTrack2GPO(), mastercardRecords(), mastercardNoPPSE(), mirExpired(),
		mirMalformed(), mirTruncated(), mirShortAnswer(), mirVanishing(),
		mirSplitSelect(), mirWrongLe(), mirWarning(),
	}
}

// Lookup finds a catalogue card by name.
func Lookup(name string) (*Card, bool) {
	for _, c := range Cards() {
		if c.Name == name {
			return c, true
		}
	}
	return nil, false
}

// Names lists the catalogue.
func Names() []string {
	var out []string
	for _, c := range Cards() {
		out = append(out, c.Name)
	}
	return out
}

// Test numbers: real issuer ranges, made-up accounts, valid check digits.
var (
	panMirDebit    = withLuhn("220245678901234")
	panMirCredit   = withLuhn("220073915048261")
	panMirTrack2   = withLuhn("220431876529014")
	panMirPAR      = withLuhn("220198765432109")
	panMirPay      = withLuhn("220899517362480") // a Mir Pay device number
	panMirCobadged = withLuhn("220356147280935")
	panMaestro     = withLuhn("676280451397268")
	panVisa        = withLuhn("427638012345678")
	panMCRecords   = withLuhn("546938017654321")
	panMCNoPPSE    = withLuhn("521324678901357")
	panMirExpired  = withLuhn("220024061357924")
	panMirQuirky   = withLuhn("220167283940516")
	parMir         = "M0010A1B2C3D4E5F6G7H8J9K0L1M2" // 29 characters
)

var (
	aidMirDebit  = mustHex("A0000006582010")
	aidMirCredit = mustHex("A0000006581010")
	aidVisa      = mustHex("A0000000031010")
	aidMC        = mustHex("A0000000041010")
	aidMaestro   = mustHex("A0000000043060")
	// mirPDOL asks for TTQ, amounts, country, TVR, currency, date, type,
	// unpredictable number and a proprietary tag the terminal must zero-fill.
	mirPDOL  = mustHex("9F66049F02069F03069F1A0295055F2A029A039C019F3704DF7001")
	visaPDOL = mustHex("9F66049F02069F03069F1A0295055F2A029A039C019F3704")
	aipMir   = []byte{0x19, 0x80}
)

func mirDebit() *Card {
	return mirCard("mir-debit", "Mir debit: PAN, expiry and PSN in record 1; 3 exchanges", aidMirDebit, panMirDebit, "271130", false)
}

func mirCredit() *Card {
	c := mirCard("mir-credit", "Mir credit: GPO format 1 (80), track 2 in record 1", aidMirCredit, panMirCredit, "280531", false)
	c.Apps[0].GPO = emv.Encode(emv.TagGPOFormat1, append(aipMir, 0x08, 0x01, 0x01, 0x00))
	c.Apps[0].Records = records(1, 1, rec(track2(panMirCredit, "2805"), psn(0)))
	c.Want.PSN = "00"
	return c
}

func mirTrack2() *Card {
	c := mirCard("mir-track2", "Mir with the PAN only in track 2 (57), in record 2", aidMirDebit, panMirTrack2, "290228", false)
	c.Apps[0].GPO = gpo2(afl(1, 1, 2))
	c.Apps[0].Records = records(1, 1,
		rec(emv.Encode(0x9F07, []byte{0xFF, 0x00}), emv.Encode(0x5F28, []byte{0x06, 0x43})),
		rec(track2(panMirTrack2, "2902")))
	c.Want.PSN, c.Want.APDUs = "", 4
	return c
}

func mirPAR() *Card {
	c := mirCard("mir-par", "Mir with a Payment Account Reference (9F24) in the GPO answer", aidMirDebit, panMirPAR, "300930", false)
	c.Apps[0].GPO = gpo2(afl(1, 1, 1), emv.Encode(emv.TagPAR, []byte(parMir)))
	c.Want.PAR = parMir
	return c
}

func mirPay() *Card {
	c := mirCard("mir-pay", "Mir Pay on a phone: device number in track 2 and the PAR of the plastic, all in the GPO answer", aidMirCredit, panMirPay, "291231", false)
	c.Apps[0].Label = "MIR PAY"
	c.Apps[0].GPO = gpo2(nil, track2(panMirPay, "2912"), emv.Encode(emv.TagPAR, []byte(parMir)), psn(0))
	c.Apps[0].Records = nil
	c.Want.PAR, c.Want.PSN, c.Want.APDUs = parMir, "00", 2
	return c
}

func mirMaestro() *Card {
	c := mirCard("mir-maestro", "co-badged Mir + Maestro, Maestro first in the PPSE: the Mir application wins", aidMirDebit, panMirCobadged, "281031", true)
	maestro := App{AID: aidMaestro, Label: "MAESTRO", Priority: 1, GPO: gpo2(afl(1, 1, 1)),
		Records: records(1, 1, rec(bcdPAN(panMaestro), expiry("281031")))}
	c.Apps[0].Priority = 2
	c.Apps = []App{maestro, c.Apps[0]}
	return c
}

func visaTrack2GPO() *Card {
	app := App{AID: aidVisa, Label: "VISA DEBIT", Priority: 1, PDOL: visaPDOL,
		GPO: gpo2(nil, track2(panVisa, "2707"), psn(1), emv.Encode(0x9F26, make([]byte, 8)))}
	return &Card{Name: "visa-gpo-track2", About: "Visa qVSDC: track 2 in the GPO answer, no records", PPSE: true, Apps: []App{app},
		Want: Want{PAN: panVisa, Scheme: emv.SchemeVisa, Expiry: "2707", PSN: "01", APDUs: 4}}
}

func mastercardRecords() *Card {
	app := App{AID: aidMC, Label: "MASTERCARD", Priority: 1,
		GPO: gpo2(append(afl(1, 1, 1), afl(2, 1, 2)...)),
		Records: map[[2]byte][]byte{
			{1, 1}: rec(emv.Encode(0x9F6C, []byte{0, 1})),
			{2, 1}: rec(emv.Encode(0x8C, mustHex("9F02069F03069F1A0295055F2A029A039C019F3704"))),
			{2, 2}: rec(bcdPAN(panMCRecords), expiry("270331"), psn(2)),
		}}
	return &Card{Name: "mastercard-records", About: "Mastercard: no PDOL, the PAN in the third record read", PPSE: true, Apps: []App{app},
		Want: Want{PAN: panMCRecords, Scheme: emv.SchemeMastercard, Expiry: "2703", PSN: "02", APDUs: 7}}
}

func mastercardNoPPSE() *Card {
	app := App{AID: aidMC, Label: "MASTERCARD", GPO: gpo2(afl(1, 1, 1)),
		Records: records(1, 1, rec(bcdPAN(panMCNoPPSE), expiry("261130")))}
	return &Card{Name: "mastercard-no-ppse", About: "Mastercard without a PPSE: found by direct SELECT of known AIDs", Apps: []App{app},
		Want: Want{PAN: panMCNoPPSE, Scheme: emv.SchemeMastercard, Expiry: "2611", APDUs: 10}}
}

func mirExpired() *Card {
	return mirCard("mir-expired", "Mir that expired in December 2020: reads, and the identity says expired", aidMirDebit, panMirExpired, "201231", false)
}

func mirMalformed() *Card {
	c := quirky("mir-malformed", "Mir whose GPO answer has a 3-byte AFL")
	c.Apps[0].GPO = gpo2([]byte{0x08, 0x01, 0x01})
	c.Want = Want{Err: emv.ErrMalformed}
	return c
}

func mirTruncated() *Card {
	c := quirky("mir-truncated", "Mir whose record is cut short inside the PAN")
	full := c.Apps[0].Records[[2]byte{1, 1}]
	c.Apps[0].Records[[2]byte{1, 1}] = full[:6]
	c.Want = Want{Err: emv.ErrMalformed}
	return c
}

func mirShortAnswer() *Card {
	c := quirky("mir-short-answer", "Mir that answers READ RECORD with one byte and no status word")
	c.ShortAnswer = true
	c.Want = Want{Err: emv.ErrMalformed}
	return c
}

func mirVanishing() *Card {
	c := quirky("mir-vanishing", "Mir taken away after SELECT and GPO, before its record is read")
	c.VanishAfter = 2
	c.Want = Want{Err: readers.ErrCardRemoved}
	return c
}

func mirSplitSelect() *Card {
	c := quirky("mir-61xx", "Mir that answers SELECT with 61xx: the FCI comes by GET RESPONSE")
	c.SplitSelect = true
	c.Want.APDUs = 4
	return c
}

func mirWrongLe() *Card {
	c := quirky("mir-6cxx", "Mir that wants the exact Le: SELECT answered 6Cxx, then resent")
	c.WrongLe = true
	c.Want.APDUs = 4
	return c
}

func mirWarning() *Card {
	c := quirky("mir-warning", "Mir whose records come with warning 6200: data still valid")
	c.RecordSW = 0x6200
	return c
}

// quirky is the Mir debit card the fault cards start from.
func quirky(name, about string) *Card {
	return mirCard(name, about, aidMirDebit, panMirQuirky, "290531", false)
}

// mirCard is a well-behaved Mir card: PDOL, GPO format 2 with an AFL of
// SFI 1 record 1, which holds 5A, 5F24 and 5F34.
func mirCard(name, about string, aid []byte, pan, yymmdd string, ppse bool) *Card {
	app := App{AID: aid, Label: "MIR", PDOL: mirPDOL, GPO: gpo2(afl(1, 1, 1)),
		Records: records(1, 1, rec(bcdPAN(pan), expiry(yymmdd), psn(1)))}
	return &Card{Name: name, About: about, PPSE: ppse, Apps: []App{app},
		Want: Want{PAN: pan, Scheme: emv.SchemeMir, Expiry: yymmdd[:4], PSN: "01", APDUs: 3}}
}

func gpo2(aflBytes []byte, extra ...[]byte) []byte {
	objs := [][]byte{emv.Encode(emv.TagAIP, aipMir)}
	if aflBytes != nil {
		objs = append(objs, emv.Encode(emv.TagAFL, aflBytes))
	}
	return emv.Constructed(emv.TagGPOFormat2, append(objs, extra...)...)
}

func afl(sfi, first, last byte) []byte { return []byte{sfi << 3, first, last, 0} }

func records(sfi, first byte, recs ...[]byte) map[[2]byte][]byte {
	m := map[[2]byte][]byte{}
	for i, r := range recs {
		m[[2]byte{sfi, first + byte(i)}] = r
	}
	return m
}

func rec(objs ...[]byte) []byte { return emv.Constructed(emv.TagRecord, objs...) }

func bcdPAN(pan string) []byte    { return emv.Encode(emv.TagPAN, packDigits(pan)) }
func expiry(yymmdd string) []byte { return emv.Encode(emv.TagExpiry, packDigits(yymmdd)) }
func psn(n byte) []byte           { return emv.Encode(emv.TagPSN, []byte{n / 10 << 4, n % 10}[1:]) }
func track2(pan, yymm string) []byte {
	return emv.Encode(emv.TagTrack2, packDigits(pan+"D"+yymm+"2011000000000"))
}

// packDigits packs hex digits two to a byte, padding with F.
func packDigits(s string) []byte {
	if len(s)%2 == 1 {
		s += "F"
	}
	return mustHex(s)
}

func mustHex(s string) []byte {
	b, err := hex.DecodeString(strings.ReplaceAll(s, " ", ""))
	if err != nil {
		panic("sim: bad hex constant " + s)
	}
	return b
}

// withLuhn appends the Luhn check digit.
func withLuhn(digits string) string { return digits + string(emv.LuhnDigit(digits)) }
